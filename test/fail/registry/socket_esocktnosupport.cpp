// socket<PF_INET, SOCK_SEQPACKET, 0>(): no entry for the type.
// EXPECT: the family has no entry for this socket type \(ESOCKTNOSUPPORT\)
#include <ksock/ksock.hpp>

int f(ksock::default_stack& s) {
    return s.socket<ksock::pf_inet, ksock::sock_seqpacket, 0>();
}
