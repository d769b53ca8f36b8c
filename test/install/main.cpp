// Built by the install_consume test against an installed ksock: through
// find_package(ksock) and, where pkg-config is installed, through ksock.pc.
#include <cstring>

#include <ksock/ksock.hpp>

#ifndef KSOCK_EXPECTED_VERSION
#error "the consumer's build names the version it found"
#endif

int main() {
    // The package's version (CMake's or pkg-config's) is the header's.
    if (std::strcmp(KSOCK_VERSION_STRING, KSOCK_EXPECTED_VERSION) != 0)
        return 2;
    ksock::default_stack s;
    return s.socket(ksock::pf_inet, ksock::sock_dgram, 0) == 0 ? 0 : 1;
}
