// socket<PF_INET6, ...>(): the family is not registered.
// EXPECT: the family is not registered in this stack \(EAFNOSUPPORT\)
#include <ksock/ksock.hpp>

int f(ksock::default_stack& s) {
    return s.socket<ksock::pf_inet6, ksock::sock_stream, 0>();
}
