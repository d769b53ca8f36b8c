// cmake/arm/lwip/ksock_sizes.cpp: ksock's side of the lwIP comparison
// (lwip_report.cmake), as symbols whose size is the object's (compiled,
// never linked; read with nm -S; .bss, so the
// object file holds no bytes of them):
//  * a TCP connection: its tcp_sock, its socket_alloc (socket + inode) and
//    its file;
//  * the stack for 4 TCP + 4 UDP sockets on the board (lo and the LAN9118,
//    PF_INET alone, as lwIP has no PF_UNIX) with 16 socket buffers of
//    2 KiB: the stack object is all of ksock's RAM (static_ram()).
#include <cstddef>
#include <type_traits>

#include <ksock/drivers/lan9118.hpp>
#include <ksock/ksock.hpp>

namespace {

struct small_board_config : ksock::default_config {
    using families = ksock::type_list<ksock::inet::inet_family>;
    using devices = ksock::type_list<ksock::drivers::loopback, ksock::drivers::lan9118<>>;
    static constexpr std::size_t max_fds = 8;
    static constexpr std::size_t max_sockets = 8;
    static constexpr std::size_t tasks = 1;
    static constexpr std::size_t skbs = 16;
    static constexpr std::size_t skb_data_size = 2048;
    template <class P>
    static constexpr std::size_t proto_objects =
        std::is_same_v<P, ksock::inet::tcp_prot> || std::is_same_v<P, ksock::inet::udp_prot> ? 4
                                                                                             : 2;
};
// Its static_ram() is its size (test/stack/static_ram_wire.cpp checks that).
using small_board_stack = ksock::stack<small_board_config>;

} // namespace

char size_of_tcp_sock[sizeof(ksock::inet::tcp_sock)];
char size_of_socket_alloc[sizeof(ksock::socket_alloc)];
char size_of_file[sizeof(ksock::file)];
char size_of_stack_4tcp_4udp[sizeof(small_board_stack)];
