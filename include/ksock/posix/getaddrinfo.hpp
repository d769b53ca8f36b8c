// ksock/posix/getaddrinfo.hpp: getaddrinfo(3) for what a device without a
// resolver can answer: numeric IPv4 hosts and a static hosts table (the
// program's /etc/hosts), numeric services and the names of the services
// table (services.hpp). Results, their order, flags, error codes and
// messages are glibc's (2.36's gaih_inet and get_servtuples); the results
// are blocks of a static pool (addrinfo_pool.hpp), never the heap, and
// freeaddrinfo() gives them back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include <ksock/posix/addrinfo.hpp>
#include <ksock/posix/addrinfo_pool.hpp>
#include <ksock/posix/inet_addr.hpp>
#include <ksock/posix/services.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::posix {

//! One line of the hosts table: a name and its IPv4 address (host order).
struct host_entry {
    const char* name;   //!< the host's name, as getaddrinfo's node matches it
    std::uint32_t addr; //!< its IPv4 address, in host byte order
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

//! The socket types getaddrinfo knows for IPv4, glibc's list in its order
//! (gaih_inet_typeproto): the default ones answer a query that names
//! neither type nor protocol with a numeric service; a service name is
//! looked up for every kind that has ports, by the protocol's name.
struct type_proto {
    int socktype;
    int protocol;
    const char* name;  //!< the protocol's name in the services table
    bool any_protocol; //!< raw: takes the protocol asked for
    bool no_service;   //!< raw: has no ports
    bool by_default;
};
inline constexpr type_proto type_protos[] = {
    {sock_stream, ipproto_tcp, "tcp", false, false, true},
    {sock_dgram, ipproto_udp, "udp", false, false, true},
    {sock_dccp, 33, "dccp", false, false, false}, // IPPROTO_DCCP
    {sock_dgram, ipproto_udplite, "udplite", false, false, false},
    {sock_stream, ipproto_sctp, "sctp", false, false, false},
    {sock_seqpacket, ipproto_sctp, "sctp", false, false, false},
    {sock_raw, 0, "raw", true, true, true}};
inline constexpr std::size_t max_tuples = sizeof type_protos / sizeof type_protos[0];

//! One kind of socket an answer has a result for (glibc's gaih_servtuple).
struct serv_tuple {
    int socktype;
    int protocol;
    std::uint16_t port; //!< host byte order
};

//! The answer's kinds of socket (glibc's get_servtuples): the one the hints
//! ask for, or the defaults, for a numeric service or none; for a name,
//! each kind whose protocol the services table lists it for. The count,
//! or an EAI_* code. \p service is null for none, \p parsed and \p port
//! are parse_port's.
inline int serv_tuples(const addrinfo& h, const char* service, int parsed, std::uint16_t port,
                       serv_tuple (&out)[max_tuples]) noexcept {
    // The one kind asked for, when the hints name a type or a protocol.
    const type_proto* asked = nullptr;
    if (h.ai_socktype != 0 || h.ai_protocol != 0) {
        for (const type_proto& t : type_protos)
            if ((h.ai_socktype == 0 || h.ai_socktype == t.socktype) &&
                (h.ai_protocol == 0 || t.any_protocol || h.ai_protocol == t.protocol)) {
                asked = &t;
                break;
            }
        if (asked == nullptr)
            return h.ai_socktype != 0 ? eai_socktype : eai_service;
    }
    if (service != nullptr && asked != nullptr && asked->no_service)
        return eai_service;
    int n = 0;
    const auto add = [&](const type_proto& t, std::uint16_t p) {
        out[n++] = serv_tuple{t.socktype, t.any_protocol ? h.ai_protocol : t.protocol, p};
    };
    if (service == nullptr || parsed > 0) {
        for (const type_proto& t : type_protos)
            if (asked ? &t == asked : t.by_default)
                add(t, port);
        return n;
    }
    for (const type_proto& t : type_protos) {
        if ((asked ? &t != asked : t.no_service))
            continue;
        if (const service_entry* e = service_by_name(service, t.name))
            add(t, e->port);
    }
    return n > 0 ? n : eai_service;
}

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

//! Two host names are the same name: ASCII letters match in either case,
//! as glibc's hosts file matches them (DNS names are case-blind).
constexpr bool same_host_name(const char* a, const char* b) noexcept {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    for (; *a != '\0' && lower(*a) == lower(*b); ++a, ++b) {
    }
    return lower(*a) == lower(*b);
}

//! The host's address: numeric, from the hosts table, or the wildcard or
//! loopback for no host; and its canonical name (the node as given, or
//! the table's spelling of the name, as glibc gives the file's). 0 or an
//! EAI_* code.
inline int host_address(const char* node, int flags, std::uint32_t& addr,
                        const char*& canon) noexcept {
    canon = node;
    if (node == nullptr) {
        addr = flags & ai_passive ? inaddr_any : inaddr_loopback;
        return 0;
    }
    if (numeric_host(node, addr))
        return 0;
    if (flags & ai_numerichost)
        return eai_noname;
    for (const host_entry& e : hosts_table)
        if (e.name && same_host_name(e.name, node)) {
            addr = e.addr;
            canon = e.name;
            return 0;
        }
    return eai_noname;
}

//! The front checks of getaddrinfo, in glibc's order: 0 or an EAI_* code.
//! ksock has no IPv6, so AF_INET6 is a family it does not support.
inline int check_query(const char* node, const char* service, const addrinfo& h) noexcept {
    if (node == nullptr && service == nullptr)
        return eai_noname;
    if (h.ai_flags & ~ai_known_flags)
        return eai_badflags;
    if ((h.ai_flags & ai_canonname) && node == nullptr)
        return eai_badflags;
    if (h.ai_family != af_unspec && h.ai_family != af_inet)
        return eai_family;
    return 0;
}

//! The results of one answer, from the pool: each tuple's, in order, the
//! hints' flags on each (as glibc copies them), the canonical name on the
//! first. 0 and \p res set, or EAI_MEMORY with nothing taken.
inline int make_results(const serv_tuple* tuples, int n, int flags, std::uint32_t addr,
                        const char* canon, addrinfo** res) noexcept {
    const std::size_t canon_len = canon ? std::strlen(canon) + 1 : 0;
    if (canon_len > canonname_max)
        return eai_memory;
    addrinfo* head = addrinfo_results.take(static_cast<std::size_t>(n));
    if (head == nullptr)
        return eai_memory;
    addrinfo* ai = head;
    for (int i = 0; i < n; ++i, ai = ai->ai_next) {
        sockaddr_in sin{};
        sin.sin_family = af_inet;
        sin.sin_port = cpu_to_be16(tuples[i].port);
        sin.sin_addr.s_addr = cpu_to_be32(addr);
        std::memcpy(ai->ai_addr, &sin, sizeof sin);
        ai->ai_flags = flags;
        ai->ai_family = af_inet;
        ai->ai_socktype = tuples[i].socktype;
        ai->ai_protocol = tuples[i].protocol;
        ai->ai_addrlen = sizeof(sockaddr_in);
    }
    if (canon != nullptr) {
        head->ai_canonname = addrinfo_pool::canonname_of(head);
        std::memcpy(head->ai_canonname, canon, canon_len);
    }
    *res = head;
    return 0;
}
} // namespace detail

namespace bsd {

//! freeaddrinfo(3): the list's blocks back to the pool.
inline void freeaddrinfo(addrinfo* ai) noexcept {
    detail::addrinfo_results.give_back(ai);
}

//! getaddrinfo(3): AF_UNSPEC or AF_INET; a numeric host (inet_aton's forms)
//! or a name of the hosts table; a numeric service or a name of the
//! services table. The checks come in glibc's order and give its codes;
//! for neither type nor protocol the results are glibc's: stream/TCP,
//! datagram/UDP, raw/0 for a numeric service, each protocol that lists a
//! named one. EAI_MEMORY when the pool cannot hold the answer.
inline int getaddrinfo(const char* node, const char* service, const addrinfo* hints,
                       addrinfo** res) noexcept {
    const addrinfo none{};
    const addrinfo& h = hints ? *hints : none;
    if (const int e = detail::check_query(node, service, h); e != 0)
        return e;
    const bool has_service = service != nullptr && *service != '\0';
    std::uint16_t port = 0;
    const int parsed = has_service ? detail::parse_port(service, port) : 1;
    if (parsed == 0 && (h.ai_flags & ai_numericserv))
        return eai_noname;

    detail::serv_tuple tuples[detail::max_tuples];
    const int n = detail::serv_tuples(h, has_service ? service : nullptr, parsed, port, tuples);
    if (n < 0)
        return n;

    std::uint32_t addr = 0;
    const char* canon = nullptr;
    if (const int e = detail::host_address(node, h.ai_flags, addr, canon); e != 0)
        return e;
    return detail::make_results(tuples, n, h.ai_flags, addr,
                                h.ai_flags & ai_canonname ? canon : nullptr, res);
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
