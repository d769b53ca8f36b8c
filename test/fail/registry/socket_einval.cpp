// socket<PF_INET, SOCK_STREAM, 300>(): protocol >= IPPROTO_MAX.
// EXPECT: invalid type flags, type or protocol \(EINVAL\)
#include <ksock/ksock.hpp>

int f(ksock::default_stack& s) {
    return s.socket<ksock::pf_inet, ksock::sock_stream, 300>();
}
