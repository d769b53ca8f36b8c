// Two families with one number: sock_register refuses the second (EEXIST).
// EXPECT: two families share one number
#include <ksock/ksock.hpp>

struct cfg : ksock::default_config {
    using families = ksock::type_list<ksock::unix_domain::unix_family, ksock::inet::inet_family,
                                      ksock::unix_domain::unix_family>;
};
template class ksock::stack<cfg>;
