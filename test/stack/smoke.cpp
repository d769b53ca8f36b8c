// test/stack/smoke.cpp: the first end-to-end checks of the creation path.
#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/socket.hpp>

TEST_CASE("default_stack: first sockets are fd 0 and 1, close releases everything") {
    ksock::default_stack s;
    CHECK(s.socket(ksock::pf_inet, ksock::sock_stream, 0) == 0);
    CHECK(s.socket<ksock::pf_inet, ksock::sock_dgram, 0>() == 1);
    CHECK(s.sockets_in_use() == 2);
    CHECK(s.close(0) == 0);
    CHECK(s.close(1) == 0);
    CHECK(s.close(1) == -ksock::ebadf);
    CHECK(s.sockets_in_use() == 0);
    CHECK(s.files_in_use() == 0);
    CHECK(s.objects_in_use<ksock::inet::tcp_prot>() == 0);
}
