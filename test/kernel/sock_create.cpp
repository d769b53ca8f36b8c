// test/kernel/sock_create.cpp: every failure of socket() and socketpair()
// leaves nothing behind (spec §2.3, §4.2, §7.4, §8.2, §10): pools, files, fds,
// netns counters and the raw hash; credentials, cgroup ids, security hooks;
// AF_UNIX socketpair.
#include <cstddef>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/capability.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

#include "support/static_require.hpp"

namespace {

using namespace ksock;
using namespace ksock::unix_domain;

//! What a failed call must not change.
struct snapshot {
    std::size_t sockets, files, tcp, udp, ping, raw, ustream, udgram;
    unsigned fds;
    int sock_inuse, sockets_allocated, raw_hashed;
    bool operator==(const snapshot&) const = default;
};

template <class St>
snapshot snap(St& s) {
    return {s.sockets_in_use(),
            s.files_in_use(),
            s.template objects_in_use<inet::tcp_prot>(),
            s.template objects_in_use<inet::udp_prot>(),
            s.template objects_in_use<inet::ping_prot>(),
            s.template objects_in_use<inet::raw_prot>(),
            s.template objects_in_use<unix_domain::unix_stream_proto>(),
            s.template objects_in_use<unix_domain::unix_dgram_proto>(),
            s.current().files.count_open(),
            s.net().sock_inuse,
            s.net().sockets_allocated,
            s.template proto_state<inet::raw_prot>().count};
}

//! Tiny pools: 3 sockets, 1 object per proto.
struct tiny : default_config {
    static constexpr std::size_t max_sockets = 3;
    template <class P>
    static constexpr std::size_t proto_objects = 1;
};

//! LSM: socket_create denies PF_UNIX (and counts its calls).
struct deny_unix {
    int calls = 0;
    int last_family = -1;
    int socket_create(const cred&, int family, int, int, int) {
        ++calls;
        last_family = family;
        return family == pf_unix ? -eacces : 0;
    }
};
//! LSM: socket_post_create denies datagram sockets, after they are built.
struct deny_dgram_post {
    int calls = 0;
    int socket_post_create(ksock::socket& so, int, int type, int, int) {
        ++calls;
        CHECK(so.sk != nullptr); // called on a complete socket
        return type == sock_dgram ? -eperm : 0;
    }
};
//! LSM: socket_socketpair denies everything.
struct deny_pair {
    int socket_socketpair(ksock::socket&, ksock::socket&) { return -eacces; }
};
struct lsm_config : default_config {
    using security = type_list<deny_unix, deny_dgram_post>;
};
struct lsm_tiny : lsm_config {
    static constexpr std::size_t max_sockets = 1;
};
struct lsm_pair : default_config {
    using security = type_list<deny_pair>;
};

} // namespace

TEST_CASE("unwinding: every socket() errno of §10 leaves nothing behind") {
    default_stack s;
    // Something live first, so "nothing changed" is not "everything empty".
    REQUIRE(s.socket(pf_inet, sock_stream, 0) == 0);
    REQUIRE(s.socket(pf_inet, sock_raw, 1) == 1);
    REQUIRE(s.socket(pf_unix, sock_dgram, 0) == 2);
    const snapshot before = snap(s);
    CHECK(before.raw_hashed == 1);
    CHECK(before.sock_inuse == 3);
    CHECK(before.sockets_allocated == 1);

    struct triple {
        int f, t, p, err;
    };
    const triple cases[] = {
        {pf_inet, sock_stream | 0x100, 0, -einval},
        {-1, sock_stream | 0x100, 0, -einval},
        {46, 11, 0, -eafnosupport},
        {45, 11, 0, -einval},
        {pf_inet6, sock_stream, 0, -eafnosupport},
        {pf_inet, 12, 0, -einval},
        {pf_inet, sock_seqpacket, 0, -esocktnosupport},
        {pf_inet, sock_stream, 263, -einval},
        {pf_inet, sock_stream, -1, -einval},
        {pf_inet, sock_stream, 17, -eprotonosupport},
        {pf_inet, sock_raw, 0, -eprotonosupport},
        {pf_inet, sock_dgram, ipproto_icmp, -eacces}, // after sk_alloc and init
        {pf_unix, sock_stream, 2, -eprotonosupport},
        {pf_unix, sock_rdm, 0, -esocktnosupport},
    };
    for (const triple& c : cases) {
        CAPTURE(c.f);
        CAPTURE(c.t);
        CAPTURE(c.p);
        CHECK(s.socket(c.f, c.t, c.p) == c.err);
        CHECK(snap(s) == before);
    }

    SUBCASE("raw EPERM for an unprivileged user") {
        s.current().cred = cred::user(1000, 1000);
        CHECK(s.socket(pf_inet, sock_raw, 1) == -eperm);
        CHECK(s.socket(pf_inet, sock_raw, 255) == -eperm);
        CHECK(s.socket(pf_inet, sock_raw, 0) == -eprotonosupport); // lookup first
        CHECK(s.socket(pf_inet, sock_raw, 9999) == -einval);
        CHECK(snap(s) == before);
        // Other sockets remain open to the user.
        CHECK(s.socket(pf_inet, sock_stream, 0) == 3);
        CHECK(s.sk_of_fd(3)->sk_uid == 1000);
        CHECK(SOCK_INODE(s.socket_of(3))->i_uid == 1000);
        CHECK(SOCK_INODE(s.socket_of(3))->i_gid == 1000);
        CHECK(s.close(3) == 0);
        CHECK(snap(s) == before);
    }
    SUBCASE("EMFILE after a complete creation releases the object") {
        s.current().rlimit_nofile = 3;
        CHECK(s.socket(pf_inet, sock_stream, 0) == -emfile);
        CHECK(s.socket(pf_inet, sock_dgram, 0) == -emfile);
        CHECK(s.socket(pf_inet, sock_raw, 255) == -emfile);
        CHECK(s.socket(pf_unix, sock_stream, 0) == -emfile);
        CHECK(snap(s) == before);
    }
    SUBCASE("close releases everything") {
        for (int fd = 0; fd < 3; ++fd)
            CHECK(s.close(fd) == 0);
        CHECK(snap(s) == snapshot{});
    }
}

TEST_CASE("pools: ENFILE when sockfs is full, ENOMEM when a proto pool is") {
    stack<tiny> s;
    const snapshot empty = snap(s);
    REQUIRE(s.socket(pf_inet, sock_stream, 0) == 0);
    snapshot one = snap(s);
    CHECK(one.tcp == 1);
    // Proto pool full: sock_alloc worked, sk_alloc did not.
    CHECK(s.socket(pf_inet, sock_stream, 0) == -enomem);
    CHECK(s.socket<pf_inet, sock_stream, 6>() == -enomem);
    CHECK(snap(s) == one);
    REQUIRE(s.socket(pf_inet, sock_dgram, 0) == 1);
    REQUIRE(s.socket(pf_unix, sock_stream, 0) == 2);
    const snapshot full = snap(s);
    CHECK(full.sockets == 3);
    // The socket pool is full: ENFILE before any lookup.
    CHECK(s.socket(pf_inet, sock_raw, 1) == -enfile);
    CHECK(s.socket(pf_unix, sock_dgram, 0) == -enfile);
    CHECK(s.socket(pf_inet, sock_raw, 0) == -enfile);     // alloc comes before the lookup
    CHECK(s.socket(pf_inet6, sock_stream, 0) == -enfile); // net_families[] is read after sock_alloc
    CHECK(s.socket(pf_inet, sock_stream, 300) == -enfile);
    int sv[2];
    CHECK(s.socketpair(pf_unix, sock_stream, 0, sv) == -enfile);
    CHECK(snap(s) == full);
    CHECK(s.close(0) == 0);
    // One socket free, but socketpair needs two: the first is released.
    CHECK(s.socketpair(pf_unix, sock_dgram, 0, sv) == -enfile);
    CHECK(s.socket(pf_inet, sock_stream, 0) == 0);
    for (int fd = 0; fd < 3; ++fd)
        CHECK(s.close(fd) == 0);
    CHECK(snap(s) == empty);
}

TEST_CASE("credentials: CAP_NET_RAW and ping_group_range (spec §4.2 step 5, §7.4)") {
    default_stack s;
    const snapshot empty = snap(s);
    SUBCASE("raw needs CAP_NET_RAW, nothing else") {
        s.current().cred = cred::user(1000, 1000);
        CHECK(s.socket(pf_inet, sock_raw, 255) == -eperm);
        s.current().cred.raise(cap_net_raw);
        CHECK(s.socket(pf_inet, sock_raw, 255) == 0);
        s.current().cred = cred::root().drop(cap_net_raw);
        CHECK(s.socket(pf_inet, sock_raw, 255) == -eperm);
    }
    SUBCASE("ping: the default range '1 0' refuses root too") {
        CHECK(s.socket(pf_inet, sock_dgram, ipproto_icmp) == -eacces);
        CHECK(snap(s) == empty);
        ksock::inet::ipv4_net(s).sysctl.ping_group_range[0] = 100;
        ksock::inet::ipv4_net(s).sysctl.ping_group_range[1] = 200;
        CHECK(s.socket(pf_inet, sock_dgram, ipproto_icmp) == -eacces); // root, egid 0
        s.current().cred = cred::user(1000, 150);
        const int fd = s.socket(pf_inet, sock_dgram, ipproto_icmp);
        REQUIRE(fd == 0);
        CHECK(std::strcmp(s.sk_of_fd(fd)->sk_prot()->name, "PING") == 0);
        CHECK(std::strcmp(s.file_of(fd)->f_name, "PING") == 0);
        int v = -1;
        socklen_t len = sizeof v;
        CHECK(s.getsockopt(fd, sol_socket, so_reuseaddr, &v, &len) == 0);
        CHECK(v == 1);
        CHECK(s.getsockopt(fd, sol_socket, so_protocol, &v, &len) == 0);
        CHECK(v == ipproto_icmp);
        // A supplementary group in range is enough; the egid is not.
        s.current().cred = cred::user(1000, 5);
        CHECK(s.socket(pf_inet, sock_dgram, ipproto_icmp) == -eacces);
        s.current().cred.add_group(7);
        s.current().cred.add_group(200);
        CHECK(s.socket(pf_inet, sock_dgram, ipproto_icmp) == 1);
        // Edges of the range are inclusive.
        s.current().cred = cred::user(1000, 100);
        CHECK(s.socket(pf_inet, sock_dgram, ipproto_icmp) == 2);
        s.current().cred = cred::user(1000, 201);
        CHECK(s.socket(pf_inet, sock_dgram, ipproto_icmp) == -eacces);
        CHECK(s.objects_in_use<inet::ping_prot>() == 3);
    }
    SUBCASE("cgroup ids are copied into sk_cgrp_data") {
        s.current().cgroup_classid = 0x100001;
        s.current().cgroup_prioidx = 7;
        const int a = s.socket(pf_inet, sock_stream, 0);
        const int b = s.socket(pf_unix, sock_dgram, 0);
        CHECK(s.sk_of_fd(a)->sk_cgrp_data.classid == 0x100001);
        CHECK(s.sk_of_fd(a)->sk_cgrp_data.prioidx == 7);
        CHECK(s.sk_of_fd(b)->sk_cgrp_data.classid == 0x100001);
        CHECK(s.sk_of_fd(b)->sk_cgrp_data.prioidx == 7);
        s.current().cgroup_classid = 0;
        const int c = s.socket(pf_inet, sock_dgram, 0);
        CHECK(s.sk_of_fd(c)->sk_cgrp_data.classid == 0);
        CHECK(s.sk_of_fd(a)->sk_cgrp_data.classid == 0x100001);
    }
}

TEST_CASE("security hooks: denials leave nothing behind, create runs first") {
    SUBCASE("socket_create and socket_post_create") {
        stack<lsm_config> s;
        const snapshot empty = snap(s);
        CHECK(s.socket(pf_unix, sock_stream, 0) == -eacces);
        CHECK(s.security().get<deny_unix>().calls == 1);
        CHECK(s.security().get<deny_dgram_post>().calls == 0);
        CHECK(snap(s) == empty);
        // post_create denies a fully built UDP socket: release tears it down.
        CHECK(s.socket(pf_inet, sock_dgram, 0) == -eperm);
        CHECK(s.security().get<deny_dgram_post>().calls == 1);
        CHECK(snap(s) == empty);
        CHECK(s.socket(pf_inet, sock_raw, 255) == 0);
        CHECK(s.socket(pf_inet, sock_stream, 0) == 1);
        CHECK(s.security().get<deny_dgram_post>().calls == 3);
        // A failed lookup never reaches post_create.
        CHECK(s.socket(pf_inet, sock_raw, 0) == -eprotonosupport);
        CHECK(s.security().get<deny_dgram_post>().calls == 3);
        // The hook sees PF_INET + SOCK_PACKET already rewritten to PF_PACKET.
        CHECK(s.socket(pf_inet, sock_packet, 0) == -eafnosupport); // PF_PACKET not registered
        CHECK(s.security().get<deny_unix>().last_family == pf_packet);
        // socketpair's sock_create runs the hooks too.
        int sv[2];
        CHECK(s.socketpair(pf_unix, sock_stream, 0, sv) == -eacces);
        CHECK(s.close(0) == 0);
        CHECK(s.close(1) == 0);
        CHECK(snap(s) == empty);
    }
    SUBCASE("a denial at socket_create beats ENFILE") {
        stack<lsm_tiny> s;
        REQUIRE(s.socket(pf_inet, sock_stream, 0) == 0);
        CHECK(s.socket(pf_inet, sock_stream, 0) == -enfile);
        CHECK(s.socket(pf_unix, sock_stream, 0) == -eacces);
        CHECK(s.sockets_in_use() == 1);
    }
    SUBCASE("socket_socketpair") {
        stack<lsm_pair> s;
        const snapshot empty = snap(s);
        int sv[2];
        CHECK(s.socketpair(pf_unix, sock_stream, 0, sv) == -eacces);
        CHECK(snap(s) == empty);
        CHECK(s.socket(pf_unix, sock_stream, 0) == 0);
    }
}

TEST_CASE("socketpair: PF_INET is EOPNOTSUPP and frees both sockets (spec §8.2)") {
    default_stack s;
    REQUIRE(s.socket(pf_inet, sock_stream, 0) == 0);
    const snapshot before = snap(s);
    int sv[2] = {-1, -1};
    CHECK(s.socketpair(pf_inet, sock_stream, 0, sv) == -eopnotsupp);
    CHECK(snap(s) == before);
    CHECK(s.socketpair(pf_inet, sock_dgram, 0, sv) == -eopnotsupp);
    CHECK(s.socketpair(pf_inet, sock_dgram, 17, sv) == -eopnotsupp);
    CHECK(s.socketpair(pf_inet, sock_stream, 6, sv) == -eopnotsupp);
    CHECK(s.socketpair(pf_inet, sock_raw, 1, sv) == -eopnotsupp);
    CHECK(snap(s) == before);
    CHECK(s.socketpair(pf_inet, sock_raw, 0, sv) == -eprotonosupport);
    CHECK(s.socketpair(pf_inet, sock_dgram, ipproto_icmp, sv) == -eacces);
    CHECK(s.socketpair(pf_inet, sock_stream, 263, sv) == -einval);
    CHECK(s.socketpair(pf_inet, sock_stream | 0x40, 0, sv) == -einval);
    CHECK(s.socketpair(pf_inet, sock_stream, 0, nullptr) == -efault);
    CHECK(s.socketpair(pf_unix, sock_stream, 0, nullptr) == -efault);
    CHECK(snap(s) == before);
    s.current().cred = cred::user(65534, 65534);
    CHECK(s.socketpair(pf_inet, sock_raw, 1, sv) == -eperm);
    CHECK(snap(s) == before);
    CHECK(s.socket(pf_inet, sock_dgram, 0) == 1);
}

TEST_CASE("socketpair: PF_UNIX joins two connected socks") {
    default_stack s;
    const snapshot empty = snap(s);
    REQUIRE(s.socket(pf_inet, sock_stream, 0) == 0);
    int sv[2] = {-1, -1};
    REQUIRE(s.socketpair(pf_unix, sock_stream | sock_cloexec | sock_nonblock, 0, sv) == 0);
    CHECK(sv[0] == 1);
    CHECK(sv[1] == 2);
    sock* a = s.sk_of_fd(sv[0]);
    sock* b = s.sk_of_fd(sv[1]);
    REQUIRE(a != nullptr);
    REQUIRE(b != nullptr);
    CHECK(a != b);
    CHECK(a->sk_state() == tcp_established);
    CHECK(b->sk_state() == tcp_established);
    CHECK(s.socket_of(sv[0])->state == ss_connected);
    CHECK(s.socket_of(sv[1])->state == ss_connected);
    CHECK(unix_sk(a)->peer == b);
    CHECK(unix_sk(b)->peer == a);
    CHECK(a->sk_refcnt() == 2);
    CHECK(b->sk_refcnt() == 2);
    CHECK(std::strcmp(a->sk_prot()->name, "UNIX-STREAM") == 0);
    CHECK(s.fcntl(sv[0], f_getfd) == fd_cloexec);
    CHECK(s.fcntl(sv[1], f_getfl) == (o_rdwr | o_nonblock));
    CHECK(s.objects_in_use<unix_domain::unix_stream_proto>() == 2);

    // Closing one end: the peer sees a full shutdown; its reference keeps
    // the closed end's sock alive until it is released too.
    CHECK(s.close(sv[0]) == 0);
    CHECK(b->sk_shutdown == 3);
    CHECK(b->sk_refcnt() == 1);
    CHECK(s.objects_in_use<unix_domain::unix_stream_proto>() == 2);
    CHECK(s.sockets_in_use() == 2);
    CHECK(s.close(sv[1]) == 0);
    CHECK(s.objects_in_use<unix_domain::unix_stream_proto>() == 0);
    CHECK(s.close(0) == 0);
    CHECK(snap(s) == empty);

    SUBCASE("dgram and seqpacket, and PF_UNIX SOCK_RAW") {
        REQUIRE(s.socketpair(pf_unix, sock_dgram, 0, sv) == 0);
        CHECK(unix_sk(s.sk_of_fd(sv[0]))->peer == s.sk_of_fd(sv[1]));
        CHECK(s.close(sv[1]) == 0);
        CHECK(s.sk_of_fd(sv[0])->sk_shutdown == 0); // dgram peers are not shut down
        CHECK(s.close(sv[0]) == 0);
        REQUIRE(s.socketpair(pf_unix, sock_seqpacket, 0, sv) == 0);
        CHECK(s.objects_in_use<unix_domain::unix_dgram_proto>() == 2);
        CHECK(s.close(sv[0]) == 0);
        CHECK(s.sk_of_fd(sv[1])->sk_shutdown == 3);
        CHECK(s.close(sv[1]) == 0);
        REQUIRE(s.socketpair(pf_unix, sock_raw, 0, sv) == 0);
        CHECK(s.sk_of_fd(sv[0])->sk_type == sock_dgram);
        CHECK(s.close(sv[0]) == 0);
        CHECK(s.close(sv[1]) == 0);
        CHECK(snap(s) == empty);
    }
}
