// A create policy without lookup(): socket<F, T, P>() could not resolve an
// entry at compile time, nor socket(f, t, p) at run time.
// EXPECT: ksock::family<...>: Create must define static constexpr resolution lookup
#include <ksock/detail/type_list.hpp>
#include <ksock/registry/family.hpp>

#include "support/toy_family.hpp"

struct create_only {
    template <class Entry, class Ctx>
    static int create(Ctx&, ksock::socket&, int, int) {
        return 0;
    }
};
using bad =
    ksock::family<ksock_test::pf_toy, create_only, ksock::type_list<ksock_test::toy_protosw>>;
constexpr int n = bad::number;
