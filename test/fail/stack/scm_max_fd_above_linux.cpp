// One SCM_RIGHTS message carries at most SCM_MAX_FD (253) files in Linux; a
// config cannot promise more.
// EXPECT: ksock::stack<Config>: Config::scm_fp_lists must be at least 1 and Config::scm_max_fd between 1 and SCM_MAX_FD \(253\)
#include <ksock/stack.hpp>

#include "support/toy_family.hpp"

struct cfg : ksock_test::toy_config {
    static constexpr std::size_t scm_max_fd = 254;
};
constexpr auto n = sizeof(ksock::stack<cfg>);
