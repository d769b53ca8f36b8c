// ksock/posix/getaddrinfo.hpp: getaddrinfo(3) for what a device without a
// resolver can answer: numeric IPv4 hosts and a static hosts table (the
// program's /etc/hosts), numeric services. Results, flags, error codes and
// messages are glibc's; each result is one allocation, freed by
// freeaddrinfo().
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>

#include <ksock/posix/inet_addr.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::posix {

//! struct addrinfo, in glibc's layout.
struct addrinfo {
    int ai_flags;
    int ai_family;
    int ai_socktype;
    int ai_protocol;
    socklen_t ai_addrlen;
    sockaddr* ai_addr;
    char* ai_canonname;
    addrinfo* ai_next;
};

// ai_flags (glibc's <netdb.h>).
inline constexpr int ai_passive = 0x0001;
inline constexpr int ai_canonname = 0x0002;
inline constexpr int ai_numerichost = 0x0004;
inline constexpr int ai_v4mapped = 0x0008;
inline constexpr int ai_all = 0x0010;
inline constexpr int ai_addrconfig = 0x0020;
inline constexpr int ai_numericserv = 0x0400;
inline constexpr int ai_idn = 0x0040;      //!< no effect on ASCII names
inline constexpr int ai_canonidn = 0x0080; //!< no effect on ASCII names
//! glibc's two retired IDN flags, still accepted.
inline constexpr int ai_idn_retired = 0x0100 | 0x0200;
inline constexpr int ai_known_flags = ai_passive | ai_canonname | ai_numerichost | ai_v4mapped |
                                      ai_all | ai_addrconfig | ai_numericserv | ai_idn |
                                      ai_canonidn | ai_idn_retired;

// Error codes (glibc's <netdb.h>).
inline constexpr int eai_badflags = -1;
inline constexpr int eai_noname = -2;
inline constexpr int eai_again = -3;
inline constexpr int eai_fail = -4;
inline constexpr int eai_nodata = -5;
inline constexpr int eai_family = -6;
inline constexpr int eai_socktype = -7;
inline constexpr int eai_service = -8;
inline constexpr int eai_addrfamily = -9;
inline constexpr int eai_memory = -10;
inline constexpr int eai_system = -11;
inline constexpr int eai_overflow = -12;

//! One line of the hosts table: a name and its IPv4 address (host order).
struct host_entry {
    const char* name;
    std::uint32_t addr;
};

namespace detail {
inline constexpr host_entry default_hosts[] = {{"localhost", inaddr_loopback}};
inline std::span<const host_entry> hosts_table{default_hosts};
} // namespace detail

//! Replace the hosts table (by default only "localhost"). The table must
//! outlive the calls; set it before they start.
inline void set_hosts(std::span<const host_entry> table) noexcept {
    detail::hosts_table = table;
}

namespace detail {
//! A service as glibc reads it: strtoul(s, &end, 10) (white space, a sign,
//! digits, then nothing; an overflow saturates), kept in an int, where a
//! negative value means a name ("-1" and overflows are names). 1 and the
//! port (the low 16 bits, as htons leaves them); 0 for text that is no
//! number (AI_NUMERICSERV refuses it); -1 for a number taken as a name.
constexpr int parse_port(const char* s, std::uint16_t& port) noexcept {
    while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        ++s;
    bool negative = false;
    if (*s == '+' || *s == '-')
        negative = *s++ == '-';
    if (!(*s >= '0' && *s <= '9'))
        return 0;
    std::uint64_t v = 0;
    bool overflow = false;
    for (; *s >= '0' && *s <= '9'; ++s) {
        const auto d = static_cast<unsigned>(*s - '0');
        overflow = overflow || v > (~std::uint64_t{0} - d) / 10;
        v = v * 10 + d;
    }
    if (*s != '\0')
        return 0;
    if (overflow)
        v = ~std::uint64_t{0};
    else if (negative)
        v = 0 - v;
    const auto as_int = static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    if (as_int < 0)
        return -1;
    port = static_cast<std::uint16_t>(as_int);
    return 1;
}

//! The socket types getaddrinfo knows for IPv4, glibc's list in its order:
//! the default ones answer a query that names neither type nor protocol.
struct type_proto {
    int socktype;
    int protocol;
    bool any_protocol; //!< raw: takes the protocol asked for
    bool no_service;   //!< raw: has no ports
    bool by_default;
};
inline constexpr type_proto type_protos[] = {{sock_stream, ipproto_tcp, false, false, true},
                                             {sock_dgram, ipproto_udp, false, false, true},
                                             {sock_dccp, 33, false, false, false}, // IPPROTO_DCCP
                                             {sock_dgram, ipproto_udplite, false, false, false},
                                             {sock_stream, ipproto_sctp, false, false, false},
                                             {sock_seqpacket, ipproto_sctp, false, false, false},
                                             {sock_raw, 0, true, true, true}};

//! The address of a numeric host (every form of inet_aton, nothing after).
constexpr bool numeric_host(const char* node, std::uint32_t& addr) noexcept {
    in_addr a{};
    const char* end = node;
    while (*end != '\0' && *end != ' ' && !(*end >= '\t' && *end <= '\r'))
        ++end;
    if (*end != '\0' || !bsd::inet_aton(node, &a))
        return false;
    addr = be32_to_cpu(a.s_addr);
    return true;
}

//! One result's allocation: the addrinfo, then its address, then the
//! canonical name's bytes (on the first result only).
struct result_block {
    addrinfo ai;
    sockaddr_in sin;
};

//! One result, in one allocation that freeaddrinfo() frees.
inline addrinfo* make_result(int socktype, int protocol, std::uint32_t addr, std::uint16_t port,
                             const char* canon) noexcept {
    const std::size_t canon_len = canon ? std::strlen(canon) + 1 : 0;
    void* mem = std::malloc(sizeof(result_block) + canon_len);
    if (mem == nullptr)
        return nullptr;
    auto* b = ::new (mem) result_block{};
    b->sin.sin_family = af_inet;
    b->sin.sin_port = cpu_to_be16(port);
    b->sin.sin_addr.s_addr = cpu_to_be32(addr);
    char* name = nullptr;
    if (canon) {
        name = reinterpret_cast<char*>(b + 1);
        std::memcpy(name, canon, canon_len);
    }
    b->ai = addrinfo{0, af_inet, socktype, protocol, sizeof(sockaddr_in),
                     reinterpret_cast<sockaddr*>(&b->sin), name, nullptr};
    return &b->ai;
}

//! The host's address: numeric, from the hosts table, or the wildcard or
//! loopback for no host. 0 or an EAI_* code.
inline int host_address(const char* node, int flags, std::uint32_t& addr) noexcept {
    if (node == nullptr) {
        addr = flags & ai_passive ? inaddr_any : inaddr_loopback;
        return 0;
    }
    if (numeric_host(node, addr))
        return 0;
    if (flags & ai_numerichost)
        return eai_noname;
    for (const host_entry& e : hosts_table)
        if (e.name && std::strcmp(e.name, node) == 0) {
            addr = e.addr;
            return 0;
        }
    return eai_noname;
}
} // namespace detail

namespace bsd {

//! freeaddrinfo(3).
inline void freeaddrinfo(addrinfo* ai) noexcept {
    while (ai != nullptr) {
        addrinfo* next = ai->ai_next;
        std::free(ai);
        ai = next;
    }
}

//! getaddrinfo(3): AF_UNSPEC or AF_INET; a numeric host (inet_aton's forms)
//! or a name of the hosts table; a numeric service (a name is not found:
//! there is no services database). The checks come in glibc's order and
//! give its codes; for neither type nor protocol the results are glibc's
//! three: stream/TCP, datagram/UDP, raw/0.
inline int getaddrinfo(const char* node, const char* service, const addrinfo* hints,
                       addrinfo** res) noexcept {
    if (node == nullptr && service == nullptr)
        return eai_noname;
    const addrinfo none{};
    const addrinfo& h = hints ? *hints : none;
    if (h.ai_flags & ~ai_known_flags)
        return eai_badflags;
    if ((h.ai_flags & ai_canonname) && node == nullptr)
        return eai_badflags;
    const bool has_service = service != nullptr && *service != '\0';
    std::uint16_t port = 0;
    const int parsed = has_service ? detail::parse_port(service, port) : 1;
    if (parsed == 0 && (h.ai_flags & ai_numericserv))
        return eai_noname;
    if (h.ai_family != af_unspec && h.ai_family != af_inet)
        return eai_family;

    // The one kind asked for, when the hints name a type or a protocol.
    const detail::type_proto* asked = nullptr;
    if (h.ai_socktype != 0 || h.ai_protocol != 0) {
        for (const detail::type_proto& t : detail::type_protos)
            if ((h.ai_socktype == 0 || h.ai_socktype == t.socktype) &&
                (h.ai_protocol == 0 || t.any_protocol || h.ai_protocol == t.protocol)) {
                asked = &t;
                break;
            }
        if (asked == nullptr)
            return h.ai_socktype != 0 ? eai_socktype : eai_service;
    }
    if (has_service) {
        if (asked != nullptr && asked->no_service)
            return eai_service;
        if (parsed <= 0)
            return eai_service; // no services database: no name is known
    }

    std::uint32_t addr = 0;
    if (const int e = detail::host_address(node, h.ai_flags, addr); e != 0)
        return e;

    addrinfo* head = nullptr;
    addrinfo** tail = &head;
    for (const detail::type_proto& t : detail::type_protos) {
        if (asked ? &t != asked : !t.by_default)
            continue;
        const int protocol = t.any_protocol ? h.ai_protocol : t.protocol;
        const char* canon = head == nullptr && (h.ai_flags & ai_canonname) ? node : nullptr;
        addrinfo* ai = detail::make_result(t.socktype, protocol, addr, port, canon);
        if (ai == nullptr) {
            freeaddrinfo(head);
            return eai_memory;
        }
        *tail = ai;
        tail = &ai->ai_next;
    }
    *res = head;
    return 0;
}

//! gai_strerror(3), glibc's messages (which has none for EAI_OVERFLOW or 0).
inline const char* gai_strerror(int code) noexcept {
    switch (code) {
    case eai_badflags:
        return "Bad value for ai_flags";
    case eai_noname:
        return "Name or service not known";
    case eai_again:
        return "Temporary failure in name resolution";
    case eai_fail:
        return "Non-recoverable failure in name resolution";
    case eai_nodata:
        return "No address associated with hostname";
    case eai_family:
        return "ai_family not supported";
    case eai_socktype:
        return "ai_socktype not supported";
    case eai_service:
        return "Servname not supported for ai_socktype";
    case eai_addrfamily:
        return "Address family for hostname not supported";
    case eai_memory:
        return "Memory allocation failure";
    case eai_system:
        return "System error";
    default:
        return "Unknown error";
    }
}

} // namespace bsd
} // namespace ksock::posix
