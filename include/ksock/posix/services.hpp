// ksock/posix/services.hpp: the services database (getservbyname(3),
// getservbyport(3), and getaddrinfo's service names) for a device without
// /etc/services: a small static table, the lines of Debian's netbase for
// the services an embedded program speaks or tests with, in that file's
// order, with its aliases. A program replaces it with set_services().
#pragma once

#include <cstdint>
#include <cstring>
#include <span>

#include <ksock/policy/lock.hpp>
#include <ksock/posix/current_stack.hpp>
#include <ksock/uapi/byteorder.hpp>

namespace ksock::posix {

//! struct servent, in glibc's layout.
struct servent {
    char* s_name;     //!< the official name
    char** s_aliases; //!< the other names, a null-terminated list
    int s_port;       //!< the port, in network byte order
    char* s_proto;    //!< "tcp", "udp" ...
};

//! One line of the services table: a name, its port and protocol, and the
//! null-terminated list of its aliases (null: none).
struct service_entry {
    const char* name;           //!< the official name
    std::uint16_t port;         //!< the port, in host byte order
    const char* proto;          //!< the protocol's name: "tcp", "udp" ...
    const char* const* aliases; //!< the aliases, ending with null; or null
};

namespace detail {
inline constexpr const char* discard_aliases[] = {"sink", "null", nullptr};
inline constexpr const char* chargen_aliases[] = {"ttytst", "source", nullptr};
inline constexpr const char* fsp_aliases[] = {"fspd", nullptr};
inline constexpr const char* smtp_aliases[] = {"mail", nullptr};
inline constexpr const char* time_aliases[] = {"timserver", nullptr};
inline constexpr const char* http_aliases[] = {"www", nullptr};
inline constexpr const char* snmp_trap_aliases[] = {"snmptrap", nullptr};
inline constexpr const char* shell_aliases[] = {"cmd", "syslog", nullptr};
inline constexpr const char* http_alt_aliases[] = {"webcache", nullptr};

//! netbase's lines, in its order (getservbyport(p, NULL) answers the first
//! line of a port, getservbyname(n, NULL) the first of a name), with every
//! line of each port listed, so that a port answers what /etc/services
//! answers for any protocol.
inline constexpr service_entry default_services[] = {
    {"echo", 7, "tcp", nullptr},
    {"echo", 7, "udp", nullptr},
    {"discard", 9, "tcp", discard_aliases},
    {"discard", 9, "udp", discard_aliases},
    {"daytime", 13, "tcp", nullptr},
    {"daytime", 13, "udp", nullptr},
    {"chargen", 19, "tcp", chargen_aliases},
    {"chargen", 19, "udp", chargen_aliases},
    {"ftp-data", 20, "tcp", nullptr},
    {"ftp", 21, "tcp", nullptr},
    {"fsp", 21, "udp", fsp_aliases}, // netbase's: getservbyport(21, "udp") finds it
    {"ssh", 22, "tcp", nullptr},
    {"telnet", 23, "tcp", nullptr},
    {"smtp", 25, "tcp", smtp_aliases},
    {"time", 37, "tcp", time_aliases},
    {"time", 37, "udp", time_aliases},
    {"domain", 53, "tcp", nullptr},
    {"domain", 53, "udp", nullptr},
    {"bootps", 67, "udp", nullptr},
    {"bootpc", 68, "udp", nullptr},
    {"tftp", 69, "udp", nullptr},
    {"http", 80, "tcp", http_aliases},
    {"ntp", 123, "udp", nullptr},
    {"snmp", 161, "tcp", nullptr},
    {"snmp", 161, "udp", nullptr},
    {"snmp-trap", 162, "tcp", snmp_trap_aliases},
    {"snmp-trap", 162, "udp", snmp_trap_aliases},
    {"https", 443, "tcp", nullptr},
    {"https", 443, "udp", nullptr},
    {"shell", 514, "tcp", shell_aliases}, // netbase's: "syslog" is a TCP name too
    {"syslog", 514, "udp", nullptr},
    {"mdns", 5353, "udp", nullptr},
    {"http-alt", 8080, "tcp", http_alt_aliases},
};
inline std::span<const service_entry> services_table{default_services};

//! An entry's aliases: its list, or an empty one.
inline const char* const* aliases_of(const service_entry& e) noexcept {
    static constexpr const char* none[] = {nullptr};
    return e.aliases != nullptr ? e.aliases : none;
}

//! \p name is the entry's name or one of its aliases (case matters, as in
//! glibc's files database).
inline bool names(const service_entry& e, const char* name) noexcept {
    if (e.name != nullptr && std::strcmp(e.name, name) == 0)
        return true;
    for (const char* const* a = aliases_of(e); *a != nullptr; ++a)
        if (std::strcmp(*a, name) == 0)
            return true;
    return false;
}

//! \p proto is null (any) or the entry's protocol.
inline bool serves(const service_entry& e, const char* proto) noexcept {
    return proto == nullptr || (e.proto != nullptr && std::strcmp(e.proto, proto) == 0);
}

//! The first line that names \p name for \p proto (null: any), or null.
inline const service_entry* service_by_name(const char* name, const char* proto) noexcept {
    if (name == nullptr)
        return nullptr;
    for (const service_entry& e : services_table)
        if (serves(e, proto) && names(e, name))
            return &e;
    return nullptr;
}

//! The first line of \p port (network byte order, as getservbyport takes
//! it) for \p proto (null: any), or null.
inline const service_entry* service_by_port(int port, const char* proto) noexcept {
    for (const service_entry& e : services_table)
        if (serves(e, proto) && static_cast<int>(cpu_to_be16(e.port)) == port)
            return &e;
    return nullptr;
}

//! The one servent getservbyname and getservbyport answer with, as glibc's
//! are: static, overwritten by the next call.
inline servent* to_servent(const service_entry* e) noexcept {
    if (e == nullptr)
        return nullptr;
    static servent result{};
    lock_guard g(layer_lock);
    // The caller must not write through these (POSIX): the strings are the
    // table's constants, handed as glibc's char* fields.
    result.s_name = const_cast<char*>(e->name);
    result.s_aliases = const_cast<char**>(aliases_of(*e));
    result.s_port = static_cast<int>(cpu_to_be16(e->port));
    result.s_proto = const_cast<char*>(e->proto);
    return &result;
}
} // namespace detail

//! Replace the services table (by default netbase's lines listed above).
//! The table must outlive the calls; set it before they start.
inline void set_services(std::span<const service_entry> table) noexcept {
    detail::services_table = table;
}

namespace bsd {

//! getservbyname(3): the first line naming \p name (its name or an alias)
//! for \p proto (null: any protocol), or null.
inline servent* getservbyname(const char* name, const char* proto) noexcept {
    return detail::to_servent(detail::service_by_name(name, proto));
}

//! getservbyport(3): the first line of \p port (network byte order) for
//! \p proto (null: any protocol), or null.
inline servent* getservbyport(int port, const char* proto) noexcept {
    return detail::to_servent(detail::service_by_port(port, proto));
}

} // namespace bsd
} // namespace ksock::posix
