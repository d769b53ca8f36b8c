// Built by the install_consume test against an installed ksock.
#include <ksock/ksock.hpp>

int main() {
    ksock::default_stack s;
    return s.socket(ksock::pf_inet, ksock::sock_dgram, 0) == 0 ? 0 : 1;
}
