// test/layering/user_family_stack.cpp: a stack whose config lists only a
// user's family (PF_TOY of test/support/toy_family.hpp, built on
// stack_config), with every system call the facade offers instantiated. The
// layering test compiles it and fails if it opens a header of ksock/inet/,
// ksock/unix/ or ksock/drivers/: the generic layers must not need a Linux
// family to build a stack.
#include <cstddef>

#include <ksock/config.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

#include "support/toy_family.hpp"

using toy_stack = ksock::stack<ksock_test::toy_config>;

// Every member of the facade, so that the dispatch into the family's ops,
// proto and create policy is instantiated, not only the class.
template class ksock::stack<ksock_test::toy_config>;

int use(toy_stack& s) {
    const int fd = s.socket<ksock_test::pf_toy, ksock::sock_dgram, 0>();
    int sv[2];
    char buf[8] = {};
    ksock::sockaddr_storage a{};
    ksock::socklen_t len = sizeof a;
    ksock::pollfd p{fd, 1, 0};
    ksock::msghdr m{};
    int r = s.socketpair(ksock_test::pf_toy, ksock::sock_dgram, 0, sv);
    r += s.bind(fd, reinterpret_cast<ksock::sockaddr*>(&a), len);
    r += s.getsockname(fd, reinterpret_cast<ksock::sockaddr*>(&a), &len);
    r += static_cast<int>(s.sendto(fd, buf, sizeof buf, 0, nullptr, 0));
    r += static_cast<int>(s.recvmsg(fd, &m, 0));
    r += s.poll(&p, 1, 0);
    r += s.shutdown(fd, ksock::shut_rdwr);
    return r + s.close(fd);
}
