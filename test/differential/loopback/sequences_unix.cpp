// test/differential/loopback/sequences_unix.cpp: AF_UNIX socketpairs and
// abstract names (no file system paths). Names never look like autobind's
// five hex digits, which the harness recognises by their shape.
#include <fcntl.h>
#include <string>
#include <vector>

#include <sys/ioctl.h>

#include "harness.hpp"

namespace ksock_loopback {

namespace {

struct utype {
    const char* name;
    int type;
};
constexpr utype types[] = {{"stream", SOCK_STREAM | SOCK_NONBLOCK},
                           {"dgram", SOCK_DGRAM | SOCK_NONBLOCK},
                           {"seqpacket", SOCK_SEQPACKET | SOCK_NONBLOCK}};

std::string un_name(const utype& t, const char* what) {
    return std::string("unix/") + t.name + "/" + what;
}

void pair_cases(std::vector<sequence>& out) {
    for (const utype& t : types) {
        out.push_back(seq(un_name(t, "pair/send-recv"))
                          .socketpair(0, 1, AF_UNIX, t.type)
                          .names(0)
                          .names(1)
                          .send(0, "hello")
                          .send(0, "world")
                          .recv(1, 3)
                          .recv(1, 64)
                          .recv(1, 64)
                          .send(1, "back")
                          .recvfrom(0, 64)
                          .recv(0, 64));
        out.push_back(seq(un_name(t, "pair/peek-trunc"))
                          .socketpair(0, 1, AF_UNIX, t.type)
                          .send(0, "hello")
                          .send(0, "again")
                          .recv(1, 2, MSG_PEEK)
                          .recvmsg(1, 2, MSG_PEEK)
                          .recvmsg(1, 2, MSG_TRUNC)
                          .recvmsg(1, 2)
                          .recv(1, 64));
        out.push_back(seq(un_name(t, "pair/zero-length"))
                          .socketpair(0, 1, AF_UNIX, t.type)
                          .send(0, "")
                          .recv(1, 16)
                          .send(0, "x")
                          .recv(1, 0)
                          .recv(1, 16)
                          .sendmsg(0, "", addr{})
                          .recvmsg(1, 16));
        out.push_back(seq(un_name(t, "pair/msg-flags-and-sendto"))
                          .socketpair(0, 1, AF_UNIX, t.type)
                          .send(0, "more", MSG_MORE)
                          .send(0, "dontwait", MSG_DONTWAIT)
                          .recv(1, 64, MSG_WAITALL)
                          .recv(1, 64, MSG_DONTWAIT)
                          .sendto(0, "named", un("nobody-here"))
                          .recv(1, 64));
        // One end shuts down or closes; both ends then use the pair.
        const char* events[] = {"shut_rd", "shut_wr", "shut_rdwr", "close", "close-with-unread"};
        for (int e = 0; e < 5; ++e) {
            seq q(un_name(t, "pair/") + events[e]);
            q.socketpair(0, 1, AF_UNIX, t.type).send(1, "queued");
            if (e == 4)
                q.send(1, "more");
            else
                q.recv(0, 64);
            switch (e) {
            case 0:
                q.shutdown(0, SHUT_RD);
                break;
            case 1:
                q.shutdown(0, SHUT_WR);
                break;
            case 2:
                q.shutdown(0, SHUT_RDWR);
                break;
            default:
                q.close(0);
            }
            q.send(1, "to-0").recv(1, 64).so_error(1).recv(1, 64).getpeername(1);
            if (e < 3)
                q.send(0, "from-0").recv(0, 64).recv(1, 64).so_error(0).shutdown(0, SHUT_RDWR);
            q.close(1);
            out.push_back(q);
        }
    }
}

void name_cases(std::vector<sequence>& out) {
    for (const utype& t : types) {
        out.push_back(seq(un_name(t, "bind/names-and-lengths"))
                          .socket(0, AF_UNIX, t.type)
                          .getsockname(0)
                          .bind(0, un("srv"))
                          .getsockname(0)
                          .getsockname(0, 4)
                          .getsockname(0, 2)
                          .getpeername(0)
                          .bind(0, un("other"))
                          .bind(0, un("srv")));
        out.push_back(seq(un_name(t, "bind/name-in-use"))
                          .socket(0, AF_UNIX, t.type)
                          .socket(1, AF_UNIX, t.type)
                          .socket(2, AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK)
                          .bind(0, un("srv"))
                          .bind(1, un("srv"))
                          .bind(2, un("srv"))
                          .close(0)
                          .bind(1, un("srv"))
                          .getsockname(1));
        out.push_back(seq(un_name(t, "bind/autobind"))
                          .socket(0, AF_UNIX, t.type)
                          .bind(0, un_family_only())
                          .getsockname(0)
                          .bind(0, un_family_only())
                          .bind(0, un("late"))
                          .socket(1, AF_UNIX, t.type)
                          .bind(1, un_family_only())
                          .getsockname(1));
    }
    out.push_back(seq("unix/bind/address-checks")
                      .socket(0, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)
                      .bind(0, with_len(un("x"), 1))
                      .bind(0, with_len(un("x"), 111))
                      .bind(0, with_len(un("x"), 0))
                      .bind(0, with_family(un("x"), AF_INET))
                      .bind(0, with_family(un("x"), AF_UNSPEC))
                      .bind(0, with_len(addr{}, 6))
                      .getsockname(0)
                      .bind(0, with_len(un(""), 3))
                      .getsockname(0));
    out.push_back(seq("unix/bind/name-bytes-after-len-ignored")
                      .socket(0, AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK)
                      .bind(0, with_len(un("abcdef"), 6))
                      .getsockname(0)
                      .socket(1, AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK)
                      .sendto(1, "to-abc", un("abc"))
                      .sendto(1, "to-abcdef", un("abcdef"))
                      .recv(0, 64));
}

void stream_cases(std::vector<sequence>& out) {
    const utype conn[] = {types[0], types[2]};
    for (const utype& t : conn) {
        out.push_back(seq(un_name(t, "listen/connect-accept"))
                          .socket(0, AF_UNIX, t.type)
                          .bind(0, un("srv"))
                          .listen(0, 5)
                          .socket(1, AF_UNIX, t.type)
                          .connect(1, un("srv"))
                          .names(1)
                          .accept(0, 2, 128)
                          .names(2)
                          .names(0)
                          .send(1, "ping")
                          .recv(2, 64)
                          .connect(1, un("srv"))
                          .accept(0, 3));
        out.push_back(seq(un_name(t, "listen/bound-client"))
                          .socket(0, AF_UNIX, t.type)
                          .bind(0, un("srv"))
                          .listen(0, 5)
                          .socket(1, AF_UNIX, t.type)
                          .bind(1, un("cli"))
                          .connect(1, un("srv"))
                          .accept(0, 2, 128)
                          .accept(0, 3, 4)
                          .names(2)
                          .socket(4, AF_UNIX, t.type)
                          .connect(4, un("srv"))
                          .accept(0, 5, 3)
                          .accept4(0, 6, SOCK_CLOEXEC)
                          .fcntl(5, F_GETFL));
        out.push_back(seq(un_name(t, "listen/errors"))
                          .socket(0, AF_UNIX, t.type)
                          .listen(0, 5)
                          .accept(0, 2)
                          .bind(0, un("srv"))
                          .accept(0, 2)
                          .socket(1, AF_UNIX, t.type)
                          .connect(1, un("srv"))
                          .connect(1, un("nobody"))
                          .listen(0, 5)
                          .accept(0, 2)
                          .bind(1, un("late"))
                          .recv(1, 16)
                          .send(1, "x")
                          .sendto(1, "x", un("srv"))
                          .getpeername(1)
                          .shutdown(1, SHUT_WR));
        for (int backlog = 0; backlog < 3; ++backlog) {
            seq q(un_name(t, "listen/backlog-") + std::to_string(backlog));
            q.socket(0, AF_UNIX, t.type).bind(0, un("srv")).listen(0, backlog);
            for (int c = 1; c <= 4; ++c)
                q.socket(c, AF_UNIX, t.type).connect(c, un("srv"));
            q.accept(0, 5).connect(4, un("srv")).accept(0, 6).accept(0, 7).accept(0, 8);
            out.push_back(q);
        }
        out.push_back(seq(un_name(t, "listen/close-with-pending"))
                          .socket(0, AF_UNIX, t.type)
                          .bind(0, un("srv"))
                          .listen(0, 5)
                          .socket(1, AF_UNIX, t.type)
                          .connect(1, un("srv"))
                          .socket(2, AF_UNIX, t.type)
                          .connect(2, un("srv"))
                          .send(2, "unread")
                          .close(0)
                          .recv(1, 16)
                          .recv(1, 16)
                          .send(1, "x")
                          .so_error(2)
                          .recv(2, 16)
                          .send(2, "y")
                          .getpeername(2)
                          .socket(3, AF_UNIX, t.type)
                          .connect(3, un("srv")));
        out.push_back(seq(un_name(t, "connected/peer-closes"))
                          .socket(0, AF_UNIX, t.type)
                          .bind(0, un("srv"))
                          .listen(0, 5)
                          .socket(1, AF_UNIX, t.type)
                          .connect(1, un("srv"))
                          .accept(0, 2)
                          .send(1, "to-server")
                          .send(2, "to-client")
                          .recv(1, 64)
                          .close(2)
                          .recv(1, 64)
                          .send(1, "x")
                          .so_error(1)
                          .getpeername(1));
        out.push_back(seq(un_name(t, "connected/peer-closes-with-unread"))
                          .socket(0, AF_UNIX, t.type)
                          .bind(0, un("srv"))
                          .listen(0, 5)
                          .socket(1, AF_UNIX, t.type)
                          .connect(1, un("srv"))
                          .accept(0, 2)
                          .send(1, "unread-by-server")
                          .send(2, "to-client")
                          .close(2)
                          .recv(1, 64)
                          .recv(1, 64)
                          .so_error(1)
                          .send(1, "x"));
    }
    out.push_back(seq("unix/connect/wrong-types")
                      .socket(0, AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK)
                      .bind(0, un("dg"))
                      .socket(1, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)
                      .bind(1, un("st"))
                      .listen(1, 5)
                      .socket(2, AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK)
                      .bind(2, un("sp"))
                      .listen(2, 5)
                      .socket(3, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)
                      .connect(3, un("dg"))
                      .connect(3, un("sp"))
                      .socket(4, AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK)
                      .connect(4, un("st"))
                      .connect(4, un("dg"))
                      .socket(5, AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK)
                      .connect(5, un("st"))
                      .sendto(5, "x", un("sp"))
                      .connect(5, un("nobody")));
    out.push_back(seq("unix/stream/connect-to-bound-not-listening")
                      .socket(0, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)
                      .bind(0, un("srv"))
                      .socket(1, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)
                      .connect(1, un("srv"))
                      .listen(0, 1)
                      .connect(1, un("srv"))
                      .getpeername(1));
    out.push_back(seq("unix/stream/blocking-recv-accept")
                      .socket(0, AF_UNIX, SOCK_STREAM)
                      .bind(0, un("srv"))
                      .listen(0, 5)
                      .accept(0, 2)
                      .socket(1, AF_UNIX, SOCK_STREAM)
                      .connect(1, un("srv"))
                      .accept(0, 2)
                      .recv(2, 16)
                      .send(1, "x")
                      .recv(2, 16));
}

void dgram_cases(std::vector<sequence>& out) {
    constexpr int dg = SOCK_DGRAM | SOCK_NONBLOCK;
    out.push_back(seq("unix/dgram/listen-accept-unsupported")
                      .socket(0, AF_UNIX, dg)
                      .bind(0, un("dg"))
                      .listen(0, 5)
                      .accept(0, 1)
                      .shutdown(0, SHUT_RD));
    out.push_back(seq("unix/dgram/sendto-names")
                      .socket(0, AF_UNIX, dg)
                      .bind(0, un("srv"))
                      .socket(1, AF_UNIX, dg)
                      .sendto(1, "from-unbound", un("srv"))
                      .getsockname(1)
                      .recvfrom(0, 64)
                      .bind(1, un("cli"))
                      .sendto(1, "from-cli", un("srv"))
                      .recvfrom(0, 64)
                      .recvmsg(0, 64)
                      .sendto(0, "reply", un("cli"))
                      .recvfrom(1, 64)
                      .sendto(1, "nobody", un("nobody"))
                      .send(1, "no-peer"));
    out.push_back(seq("unix/dgram/connect")
                      .socket(0, AF_UNIX, dg)
                      .bind(0, un("srv"))
                      .socket(1, AF_UNIX, dg)
                      .bind(1, un("cli"))
                      .connect(1, un("srv"))
                      .names(1)
                      .send(1, "connected")
                      .recvfrom(0, 64)
                      .socket(2, AF_UNIX, dg)
                      .bind(2, un("third"))
                      .sendto(2, "to-connected-cli", un("cli"))
                      .sendto(0, "srv-to-cli", un("cli"))
                      .recvfrom(1, 64)
                      .recvfrom(1, 64)
                      .sendto(1, "override", un("third"))
                      .recvfrom(2, 64)
                      .connect(1, unspec())
                      .getpeername(1)
                      .send(1, "x")
                      .sendto(2, "now-allowed", un("cli"))
                      .recvfrom(1, 64));
    out.push_back(seq("unix/dgram/peer-closes")
                      .socket(0, AF_UNIX, dg)
                      .bind(0, un("srv"))
                      .socket(1, AF_UNIX, dg)
                      .connect(1, un("srv"))
                      .send(1, "x")
                      .close(0)
                      .send(1, "y")
                      .send(1, "z")
                      .so_error(1)
                      .getpeername(1)
                      .recv(1, 16)
                      .socket(2, AF_UNIX, dg)
                      .bind(2, un("srv"))
                      .send(1, "new-srv")
                      .connect(1, un("srv"))
                      .send(1, "reconnected")
                      .recv(2, 16));
    // The receive queue holds max_dgram_qlen (10) + 1 datagrams from an
    // unconnected sender; a socketpair's is limited by memory only.
    {
        seq q("unix/dgram/queue-full-sendto");
        q.socket(0, AF_UNIX, dg).bind(0, un("srv")).socket(1, AF_UNIX, dg);
        for (int i = 0; i < 13; ++i)
            q.sendto(1, "d" + std::to_string(i), un("srv"));
        q.recv(0, 16).sendto(1, "after-one-read", un("srv")).sendto(1, "full", un("srv"));
        out.push_back(q);
    }
    {
        seq q("unix/dgram/queue-full-connected");
        q.socket(0, AF_UNIX, dg).bind(0, un("srv")).socket(1, AF_UNIX, dg).connect(1, un("srv"));
        for (int i = 0; i < 13; ++i)
            q.send(1, "d" + std::to_string(i));
        q.recv(0, 16).send(1, "after-one-read");
        out.push_back(q);
    }
    {
        seq q("unix/dgram/queue-socketpair");
        q.socketpair(0, 1, AF_UNIX, dg);
        for (int i = 0; i < 13; ++i)
            q.send(1, "d" + std::to_string(i));
        q.recv(0, 16);
        out.push_back(q);
    }
    out.push_back(seq("unix/dgram/blocking-recv")
                      .socket(0, AF_UNIX, SOCK_DGRAM)
                      .bind(0, un("srv"))
                      .recv(0, 16)
                      .recvfrom(0, 16, MSG_DONTWAIT));
}

step ioctl_step(int h, unsigned long cmd) {
    return {.o = op::ioctl, .h = h, .a = static_cast<int>(cmd)};
}

//! sendmsg of \p data with SCM_RIGHTS carrying the fds of \p hs.
step sendmsg_rights(int h, std::string data, std::vector<int> hs, int flags = 0) {
    return {.o = op::sendmsg_cmsg,
            .h = h,
            .a = flags | MSG_NOSIGNAL,
            .b = 1,
            .c = cmsg_rights,
            .data = std::move(data),
            .hs = std::move(hs)};
}

//! recvmsg with a control buffer of \p ctl bytes; fds go to h\p to, ...
step recvmsg_control(int h, std::size_t len, int flags, int ctl, int to) {
    return {.o = op::recvmsg_cmsg, .h = h, .h2 = to, .a = flags, .b = ctl, .len = len};
}

// Where ksock once parted from 6.18, each with the host's values beside it.
void parity_cases(std::vector<sequence>& out) {
    // unix_validate_addr: a bare sun_family (length 2) names no socket.
    // connect and a datagram sendto/sendmsg are EINVAL (stream and seqpacket
    // sends never look at the name); bind alone takes it, as autobind.
    for (const utype& t : types)
        out.push_back(seq(un_name(t, "address/family-only"))
                          .socketpair(0, 1, AF_UNIX, t.type)
                          .connect(1, un_family_only())
                          .connect(1, with_len(un_family_only(), 1))
                          .sendto(1, "x", un_family_only())
                          .sendmsg(1, "y", un_family_only())
                          .recv(0, 16)
                          .socket(2, AF_UNIX, t.type)
                          .connect(2, un_family_only())
                          .sendto(2, "z", un_family_only())
                          .getsockname(2)
                          .bind(2, un_family_only())
                          .getsockname(2));
    // SIOCATMARK: only a stream has an out-of-band byte; the others are
    // EOPNOTSUPP (and write nothing).
    for (const utype& t : types) {
        seq q(un_name(t, "ioctl/siocatmark"));
        q.socketpair(0, 1, AF_UNIX, t.type)
            .add(ioctl_step(0, SIOCATMARK))
            .send(1, "ab")
            .add(ioctl_step(0, SIOCATMARK))
            .add(ioctl_step(0, FIONREAD));
        if (t.type == (SOCK_STREAM | SOCK_NONBLOCK))
            q.send(1, "c", MSG_OOB)
                .add(ioctl_step(0, SIOCATMARK))
                .recv(0, 16)
                .add(ioctl_step(0, SIOCATMARK));
        q.socket(2, AF_UNIX, t.type).add(ioctl_step(2, SIOCATMARK));
        out.push_back(q);
    }
    // unix_seqpacket_sendmsg reports a pending error (the peer closed with
    // our record unread) before scm_send, MSG_OOB and SO_PASSCRED's
    // autobind; the error is taken, and the next send meets those.
    out.push_back(seq("unix/seqpacket/error-first/oob")
                      .socketpair(0, 1, AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK)
                      .send(1, "q")
                      .close(0)
                      .send(1, "hello", MSG_OOB)
                      .so_error(1)
                      .send(1, "hello", MSG_OOB)
                      .send(1, "hello")
                      .recv(1, 16));
    out.push_back(seq("unix/seqpacket/error-first/passcred")
                      .socketpair(0, 1, AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK)
                      .send(1, "q")
                      .setsockopt(1, SOL_SOCKET, SO_PASSCRED, 1)
                      .close(0)
                      .send(1, "hello")
                      .getsockname(1)
                      .send(1, "hello", MSG_OOB)
                      .getsockname(1)
                      .send(1, "hello")
                      .getsockname(1));
    for (const utype& t : types) {
        // A short cmsg_len is scm_send_cmsgs's EINVAL, met after the pending error
        // on seqpacket (ECONNRESET first); a stream has no pending error to
        // report before scm_send, a datagram socket meets the peer after it.
        step short_len = sendmsg_rights(1, "hello", {1});
        short_len.c |= cmsg_short_len;
        out.push_back(seq(un_name(t, "error-first/short-cmsg-len"))
                          .socketpair(0, 1, AF_UNIX, t.type)
                          .send(1, "q")
                          .close(0)
                          .add(short_len)
                          .add(short_len)
                          .so_error(1)
                          .add(short_len));
    }
    out.push_back(seq("unix/seqpacket/error-first/bad-fd")
                      .socketpair(0, 1, AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK)
                      .send(1, "q")
                      .close(0)
                      .add(sendmsg_rights(1, "hello", {0}))
                      .add(sendmsg_rights(1, "hello", {0}))
                      .add(sendmsg_rights(1, "hello", {1})));
    // SIOCINQ on a stream is unix_sock::inq_len: an out-of-band byte that a
    // read skips (and drops) is never taken off it.
    out.push_back(seq("unix/stream/oob/inq-after-skipped-byte")
                      .socketpair(0, 1, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)
                      .send(1, "x", MSG_OOB)
                      .add(ioctl_step(0, FIONREAD))
                      .recv(0, 5)
                      .add(ioctl_step(0, FIONREAD))
                      .send(1, "abc")
                      .add(ioctl_step(0, FIONREAD))
                      .recv(0, 2)
                      .add(ioctl_step(0, FIONREAD))
                      .recv(0, 5)
                      .add(ioctl_step(0, FIONREAD))
                      .send(1, "y", MSG_OOB)
                      .send(1, "z", MSG_OOB)
                      .recv(0, 5)
                      .add(ioctl_step(0, FIONREAD))
                      .recv(0, 5)
                      .add(ioctl_step(0, FIONREAD)));
    out.push_back(seq("unix/stream/oob/inq-read-and-inline")
                      .socketpair(0, 1, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)
                      .send(1, "abcd", MSG_OOB)
                      .add(ioctl_step(0, FIONREAD))
                      .recv(0, 10)
                      .add(ioctl_step(0, FIONREAD))
                      .recv(0, 10, MSG_OOB | MSG_PEEK)
                      .add(ioctl_step(0, FIONREAD))
                      .recv(0, 10, MSG_OOB)
                      .add(ioctl_step(0, FIONREAD))
                      .recv(0, 10)
                      .setsockopt(0, SOL_SOCKET, SO_OOBINLINE, 1)
                      .send(1, "e", MSG_OOB)
                      .add(ioctl_step(0, FIONREAD))
                      .recv(0, 10)
                      .add(ioctl_step(0, FIONREAD)));
    // unix_release_sock: an empty skb at the head of the closing end's queue
    // (a zero-length record, an out-of-band byte already read) is not
    // unread data; only an skb behind it resets the peer.
    {
        const utype conn[] = {types[0], types[2]};
        for (const utype& t : conn) {
            const char* what[] = {"empty-record", "empty-record-then-data", "two-empty-records",
                                  "data-then-empty-record"};
            for (int v = 0; v < 4; ++v) {
                seq q(un_name(t, "pair/close-with-") + what[v]);
                q.socketpair(0, 1, AF_UNIX, t.type);
                if (v == 3)
                    q.send(0, "a");
                q.sendmsg(0, "", addr{}, 1, MSG_EOR);
                if (v == 1)
                    q.send(0, "a");
                if (v == 2)
                    q.sendmsg(0, "", addr{}, 1, MSG_EOR);
                q.close(1)
                    .poll(0, POLLIN | POLLOUT | POLLRDHUP | POLLPRI)
                    .so_error(0)
                    .recv(0, 16)
                    .recv(0, 16);
                out.push_back(q);
            }
        }
        for (int v = 0; v < 2; ++v) {
            seq q(v ? "unix/stream/oob/close-after-read-byte-then-data"
                    : "unix/stream/oob/close-after-read-byte");
            q.socketpair(0, 1, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)
                .send(0, "x", MSG_OOB)
                .recv(1, 1, MSG_OOB);
            if (v)
                q.send(0, "b");
            q.close(1).so_error(0).recv(0, 16);
            out.push_back(q);
        }
    }
    // unix_stream_read_generic: a peek that read an skb goes on to the next
    // (`goto again`) whatever room is left. A zero-length peek meets the
    // out-of-band mark (EAGAIN when nothing is before it) and the next
    // skb's files (MSG_CTRUNC, or the fds with a control buffer); only the
    // skb a pass starts from goes through manage_oob, so SO_PEEK_OFF's walk
    // reads the out-of-band byte as data.
    out.push_back(seq("unix/stream/oob/zero-length-peek")
                      .socketpair(0, 1, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)
                      .send(1, "ijk", MSG_OOB)
                      .recv(0, 0, MSG_PEEK)
                      .recv(0, 1, MSG_PEEK)
                      .recv(0, 8, MSG_PEEK)
                      .recv(0, 0)
                      .recv(0, 8)
                      .recv(0, 0, MSG_PEEK)
                      .add(ioctl_step(0, FIONREAD))
                      .recv(0, 8, MSG_OOB)
                      .recv(0, 0, MSG_PEEK)
                      .send(1, "x", MSG_OOB)
                      .recv(0, 0)
                      .recv(0, 8, MSG_OOB));
    out.push_back(seq("unix/stream/oob/peek-offset-passes-the-mark")
                      .socketpair(0, 1, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)
                      .setsockopt(0, SOL_SOCKET, SO_PEEK_OFF, 0)
                      .send(1, "abc", MSG_OOB)
                      .send(1, "de")
                      .recv(0, 8, MSG_PEEK)
                      .recv(0, 8, MSG_PEEK)
                      .getsockopt(0, SOL_SOCKET, SO_PEEK_OFF)
                      .recv(0, 8, MSG_PEEK)
                      .recv(0, 8)
                      .recv(0, 8)
                      .recv(0, 8, MSG_OOB));
    out.push_back(seq("unix/stream/peek-meets-the-next-skbs-files")
                      .socketpair(0, 1, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)
                      .socket(2, AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK)
                      .send(1, "q")
                      .add(sendmsg_rights(1, "Q", {2}))
                      .recvmsg(0, 1, MSG_PEEK)
                      .recvmsg(0, 0, MSG_PEEK)
                      .add(recvmsg_control(0, 1, MSG_PEEK, 256, 10))
                      .add(recvmsg_control(0, 0, MSG_PEEK, 256, 11))
                      .add(recvmsg_control(0, 1, 0, 256, 12))
                      .add(recvmsg_control(0, 8, MSG_PEEK, 256, 12))
                      .recvmsg(0, 8));
}

} // namespace

std::vector<sequence> unix_sequences() {
    std::vector<sequence> out;
    pair_cases(out);
    name_cases(out);
    stream_cases(out);
    dgram_cases(out);
    parity_cases(out);
    return out;
}

} // namespace ksock_loopback
