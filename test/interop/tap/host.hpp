// test/interop/tap/host.hpp: the kernel's side of the TAP interop suite:
// a private network namespace, the interface's address and MAC, the
// kernel's neighbour table (rtnetlink), its counters (/proc/net/snmp and
// netstat), and a packet socket that sees every frame on the interface in
// both directions and can put any bytes on it toward ksock.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sched.h>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

namespace tap_interop {

inline bool write_file(const char* path, const std::string& text) {
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    return ok;
}

//! Moves the process into a new network namespace: directly when it may,
//! else inside a new user namespace where it is root. "" or why not.
inline std::string enter_namespace() {
    if (::unshare(CLONE_NEWNET) == 0)
        return "";
    const int e1 = errno;
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0)
        return std::string("unshare(CLONE_NEWNET): ") + std::strerror(e1) +
               "; unshare(CLONE_NEWUSER | CLONE_NEWNET): " + std::strerror(errno);
    write_file("/proc/self/setgroups", "deny");
    if (!write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1\n") ||
        !write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1\n"))
        return "a user namespace, but its uid/gid map could not be written";
    return "";
}

//! A net.* sysctl of the namespace ("net/ipv4/..."): "" or why not.
inline std::string sysctl(const std::string& path, const std::string& v) {
    return write_file(("/proc/sys/" + path).c_str(), v + "\n")
               ? ""
               : "sysctl " + path + " = " + v + ": " + std::strerror(errno);
}

//! The interface \p dev up, with \p addr / \p plen (network order): "" or why not.
inline std::string configure(const char* dev, std::uint32_t addr, unsigned plen) {
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return std::string("socket: ") + std::strerror(errno);
    std::string err;
    auto up = [&](const char* name) {
        ifreq ifr{};
        std::strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
        if (::ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
            return false;
        ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
        return ::ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
    };
    auto set = [&](unsigned long req, std::uint32_t a) {
        ifreq ifr{};
        std::strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = a;
        std::memcpy(&ifr.ifr_addr, &sin, sizeof sin);
        return ::ioctl(s, req, &ifr) == 0;
    };
    if (!up("lo"))
        err = std::string("lo up: ") + std::strerror(errno);
    else if (!set(SIOCSIFADDR, addr))
        err = std::string("address: ") + std::strerror(errno);
    else if (!set(SIOCSIFNETMASK, htonl(plen ? ~0u << (32 - plen) : 0)))
        err = std::string("netmask: ") + std::strerror(errno);
    else if (!up(dev))
        err = std::string("up: ") + std::strerror(errno);
    ::close(s);
    return err;
}

//! The MAC address and ifindex of \p dev.
inline bool link_info(const char* dev, unsigned char (&mac)[6], int& ifindex) {
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
    bool ok = ::ioctl(s, SIOCGIFHWADDR, &ifr) == 0;
    if (ok)
        std::memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    ok = ok && ::ioctl(s, SIOCGIFINDEX, &ifr) == 0;
    ifindex = ifr.ifr_ifindex;
    ::close(s);
    return ok;
}

//! `ip neigh del ADDR dev DEV` through the old ioctl (SIOCDARP).
inline void neigh_flush(const char* dev, std::uint32_t addr) {
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    arpreq r{};
    auto* sin = reinterpret_cast<sockaddr_in*>(&r.arp_pa);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = addr;
    std::strncpy(r.arp_dev, dev, sizeof r.arp_dev - 1);
    (void)::ioctl(s, SIOCDARP, &r);
    ::close(s);
}

//! The kernel's neighbour entry for \p addr (RTM_GETNEIGH dump): its NUD
//! state and link address; -1 when there is none.
inline int neigh_state(std::uint32_t addr, unsigned char (&ha)[6]) {
    const int nl = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (nl < 0)
        return -1;
    struct {
        nlmsghdr h;
        ndmsg n;
    } req{};
    req.h.nlmsg_len = sizeof req;
    req.h.nlmsg_type = RTM_GETNEIGH;
    req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.h.nlmsg_seq = 1;
    req.n.ndm_family = AF_INET;
    int state = -1;
    if (::send(nl, &req, sizeof req, 0) == static_cast<ssize_t>(sizeof req)) {
        alignas(nlmsghdr) char buf[16384];
        bool done = false;
        for (int rounds = 0; !done && rounds < 64; ++rounds) {
            const ssize_t n = ::recv(nl, buf, sizeof buf, 0);
            if (n <= 0)
                break;
            auto len = static_cast<unsigned>(n);
            for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len);
                 h = NLMSG_NEXT(h, len)) {
                if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
                    done = true;
                    break;
                }
                if (h->nlmsg_type != RTM_NEWNEIGH)
                    continue;
                auto* nd = static_cast<ndmsg*>(NLMSG_DATA(h));
                auto alen = static_cast<unsigned>(NLMSG_PAYLOAD(h, sizeof *nd));
                bool match = false;
                unsigned char mac[6] = {};
                for (auto* a = reinterpret_cast<rtattr*>(reinterpret_cast<char*>(nd) +
                                                         NLMSG_ALIGN(sizeof *nd));
                     RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
                    if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == 4)
                        match = std::memcmp(RTA_DATA(a), &addr, 4) == 0;
                    else if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6)
                        std::memcpy(mac, RTA_DATA(a), 6);
                }
                if (match) {
                    state = nd->ndm_state;
                    std::memcpy(ha, mac, 6);
                }
            }
        }
    }
    ::close(nl);
    return state;
}

//! The counters `ip -s link` prints for \p dev (/proc/net/dev, which is
//! the namespace's): rx bytes, rx packets, tx bytes, tx packets.
struct link_stats {
    long rx_bytes = -1, rx_packets = -1, tx_bytes = -1, tx_packets = -1;
    //! Frames the kernel dropped: received (a full backlog), or to send
    //! (the TAP's queue full: ksock did not read them in time).
    long rx_dropped = -1, tx_dropped = -1;
};
inline link_stats read_link_stats(const char* dev) {
    std::ifstream in("/proc/net/dev");
    std::string line;
    const std::string key = std::string(dev) + ":";
    link_stats st;
    while (std::getline(in, line)) {
        const auto at = line.find(key);
        if (at == std::string::npos)
            continue;
        std::istringstream v(line.substr(at + key.size()));
        long x[9] = {};
        for (long& e : x)
            v >> e;
        st.rx_bytes = x[0];
        st.rx_packets = x[1];
        st.rx_dropped = x[3];
        st.tx_bytes = x[8];
        long tx_errors = 0;
        v >> st.tx_packets >> tx_errors >> st.tx_dropped;
    }
    return st;
}

using counters = std::map<std::string, long>;

//! "Ip.InReceives" ... from a file of /proc/net/snmp's shape (a line of
//! names, then a line of values, each starting with the group).
inline void read_counters(const char* path, counters& out) {
    std::ifstream in(path);
    std::string names, values;
    while (std::getline(in, names) && std::getline(in, values)) {
        std::istringstream n(names), v(values);
        std::string group, g2, name;
        n >> group;
        v >> g2;
        group.pop_back(); // the ':'
        long x = 0;
        while (n >> name && v >> x)
            out[group + "." + name] = x;
    }
}
inline counters kernel_counters() {
    counters c;
    read_counters("/proc/net/snmp", c);
    read_counters("/proc/net/netstat", c);
    return c;
}

//! One frame seen on the interface, and whether the kernel sent it.
struct seen {
    bool from_kernel;
    std::vector<unsigned char> b;
    std::uint16_t ethertype() const { return b.size() >= 14 ? (b[12] << 8 | b[13]) : 0; }
    //! The IPv4 header's byte \p off (0 when the frame is shorter).
    unsigned ip(std::size_t off) const { return b.size() > 14 + off ? b[14 + off] : 0; }
};

//! A packet socket on the interface (ETH_P_ALL): every frame, both ways.
class sniffer {
public:
    bool open(int ifindex) {
        fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
        if (fd_ < 0)
            return false;
        sockaddr_ll sll{};
        sll.sll_family = AF_PACKET;
        sll.sll_protocol = htons(ETH_P_ALL);
        sll.sll_ifindex = ifindex;
        ifindex_ = ifindex;
        return ::bind(fd_, reinterpret_cast<sockaddr*>(&sll), sizeof sll) == 0;
    }
    ~sniffer() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    //! Everything seen since the last call is appended to \p log.
    void drain(std::vector<seen>& log) {
        unsigned char buf[65536];
        for (int i = 0; i < 4096; ++i) {
            sockaddr_ll from{};
            socklen_t fl = sizeof from;
            const ssize_t n =
                ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &fl);
            if (n < 0)
                return;
            log.push_back(
                {from.sll_pkttype == PACKET_OUTGOING, std::vector<unsigned char>(buf, buf + n)});
        }
    }
    //! Transmit \p n bytes on the interface (toward ksock), as they are.
    bool send(const void* p, std::size_t n) {
        sockaddr_ll to{};
        to.sll_family = AF_PACKET;
        to.sll_ifindex = ifindex_;
        to.sll_halen = 6;
        std::memcpy(to.sll_addr, static_cast<const unsigned char*>(p), 6);
        return ::sendto(fd_, p, n, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
               static_cast<ssize_t>(n);
    }

private:
    int fd_ = -1;
    int ifindex_ = 0;
};

} // namespace tap_interop
