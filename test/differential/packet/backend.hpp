// test/differential/packet/backend.hpp: the host a script runs against.
// The runner owns the script, its clock arithmetic and every comparison; a
// backend only moves packets, runs system calls and keeps time. Two exist:
// the host kernel through a TUN device in real time (kernel_backend.cpp),
// and ksock through a test device in virtual time (ksock_backend.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <poll.h>
#include <string>
#include <utility>
#include <vector>

#include <netinet/in.h>

#include "script.hpp"

namespace ksock_packet {

//! The host's address and the script's (the peer behind the device), both
//! in TEST-NET-1; nothing else is ever used.
inline constexpr std::uint32_t local_ip = (192u << 24) | (0u << 16) | (2u << 8) | 1u;
inline constexpr std::uint32_t remote_ip = (192u << 24) | (0u << 16) | (2u << 8) | 2u;
inline constexpr int prefix_len = 24;
//! bind(fd, ..., ...) binds local_ip:local_port; connect(fd, ..., ...)
//! connects to remote_ip:remote_port; the script's segments come from there.
inline constexpr std::uint16_t local_port = 8080;
inline constexpr std::uint16_t remote_port = 40000;

//! A system call, its arguments made concrete by the runner.
struct sys_call {
    enum class op : std::uint8_t {
        socket,      //!< a = domain, b = type, c = protocol
        bind,        //!< fd, addr
        listen,      //!< fd, a = backlog
        accept,      //!< fd, a = flags (accept4)
        connect,     //!< fd, addr
        setsockopt,  //!< fd, a = level, b = optname, data = optval, len = optlen
        getsockopt,  //!< fd, a = level, b = optname, len = optlen passed in
        write,       //!< fd, len bytes of data
        read,        //!< fd, len
        send,        //!< fd, len bytes of data, a = flags
        recv,        //!< fd, len, a = flags
        close,       //!< fd
        shutdown,    //!< fd, a = how
        poll,        //!< fds, a = timeout (ms)
        fcntl,       //!< fd, a = cmd, b = arg
        ioctl,       //!< fd, a = request; an int comes back in data
        getsockname, //!< fd
        getpeername, //!< fd
        tcp_info,    //!< fd: getsockopt(TCP_INFO) for the %{ }% assertions
    };
    op o = op::close;
    int fd = -1;
    std::int64_t a = 0, b = 0, c = 0;
    std::vector<std::uint8_t> data;
    std::size_t len = 0;
    sockaddr_in addr{};
    std::vector<pollfd> fds;
};

struct sys_result {
    long ret = 0;
    int err = 0;                    //!< errno when ret is -1
    std::vector<std::uint8_t> data; //!< optval (getsockopt, ioctl), the bytes read
    std::size_t len = 0;            //!< optlen that came back
    std::vector<pollfd> fds;        //!< poll's revents
    usec t = 0;                     //!< when the call returned
};

//! A packet the host sent, with the time it left and its place in the
//! order of everything the backend saw (see backend::epoch).
struct outbound {
    usec t = 0;
    std::uint64_t epoch = 0;
    std::vector<std::uint8_t> bytes;
};

class backend {
public:
    virtual ~backend() = default;
    virtual const char* name() const = 0;

    //! Makes the host ready: the device up with local_ip/prefix_len, the
    //! script's sysctls applied (net.ipv4.tcp_sack -> the same knob on both
    //! sides). "" when ready, else why the script cannot run here.
    virtual std::string open(const std::vector<std::pair<std::string, std::string>>& sysctls) = 0;
    //! Time 0 of the script is now.
    virtual void start() = 0;
    virtual usec now() = 0;
    //! Lets the host run until `until` (script time); may return earlier,
    //! when a new packet came out or a call returned (never at once for a
    //! packet already waiting: the runner would spin), and the runner calls
    //! it again. The kernel sleeps in poll(); ksock advances its clock.
    virtual void run_until(usec until) = 0;

    //! Hands the host an IPv4 packet from the script's peer, now.
    virtual void inject(const std::vector<std::uint8_t>& ipv4) = 0;
    //! The oldest packet the host sent that the runner has not taken.
    virtual std::optional<outbound> pop_outbound() = 0;

    //! Starts a system call; it may block (the runner goes on with other
    //! events). Returns an id for finished().
    virtual int start_call(const sys_call& call) = 0;
    virtual std::optional<sys_result> finished(int id) = 0;

    //! Counts the packets injected and the calls started: a packet sent with
    //! an epoch lower than an event's was sent before that event ran.
    virtual std::uint64_t epoch() const = 0;
};

//! The host kernel through a TUN device; the caller is in a private network
//! namespace already (main.cpp makes one per script).
std::unique_ptr<backend> make_kernel_backend();
//! ksock in virtual time; nullptr with the reason while it cannot run.
std::unique_ptr<backend> make_ksock_backend(std::string& why_not);

} // namespace ksock_packet
