// test/differential/packet/ksock_backend.cpp: ksock's side of the packet
// differential. Pending: ksock's TCP is still a loopback model (no segments
// on a device, no retransmission, ISN 0), so no script can run on it yet.
//
// What the class will be, once ksock has a test device in virtual time:
//  - open(): a stack whose config lists a test device (IP-only, like TUN:
//    ARPHRD_NONE, mtu 1500) with 192.0.2.1/24, the sysctls written into the
//    stack's net (the same names: net.ipv4.tcp_sack -> its sysctl_tcp_sack);
//  - start()/now(): the stack's clock at 0, read in microseconds;
//  - run_until(t): poll the device and fire timers up to t (stopping at the
//    first packet the device transmits), i.e. advance(min(t, next_timer()));
//  - inject(): the device's receive ring gets the bytes, NAPI poll hands
//    them up;
//  - pop_outbound(): what start_xmit captured, stamped with the virtual time;
//  - start_call()/finished(): ksock's posix calls on the stack; a call that
//    would block is retried as virtual time passes (the runner's "a...b").
#include "backend.hpp"

namespace ksock_packet {

std::unique_ptr<backend> make_ksock_backend(std::string& why_not) {
    why_not = "pending: ksock's TCP is a loopback model (no segment-level TCP on a test device "
              "in virtual time yet)";
    return nullptr;
}

} // namespace ksock_packet
