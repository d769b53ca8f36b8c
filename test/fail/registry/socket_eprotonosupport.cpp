// socket<PF_INET, SOCK_RAW, 0>(): the raw wildcard entry refuses a wildcard request.
// EXPECT: no entry of this type serves the protocol \(EPROTONOSUPPORT\)
#include <ksock/ksock.hpp>

int f(ksock::default_stack& s) {
    return s.socket<ksock::pf_inet, ksock::sock_raw, 0>();
}
