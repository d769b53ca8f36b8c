// examples/bsd_port.cpp: a BSD-sockets program ported to ksock by changing
// its includes and nothing else.
//
// A classic select() echo server, and a client in the same loop so that the
// program checks itself: the server listens on 127.0.0.1 (port from the
// system), the client connects without blocking, sends three lines and
// reads each one back. Built twice from this one file: against the C
// library and the host's kernel (bsd_port_host, where the host has BSD
// sockets), and against ksock's POSIX headers (bsd_port: the host, and the
// Cortex-M3 under QEMU). Exit status 0 when every echo came back intact.
#ifdef BSD_PORT_HOST_SOCKETS
#include <fcntl.h>
#include <netdb.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/select.h>
#include <sys/socket.h>
#else
#include <ksock/posix/arpa/inet.h>
#include <ksock/posix/fcntl.h>
#include <ksock/posix/netdb.h>
#include <ksock/posix/netinet/in.h>
#include <ksock/posix/sys/select.h>
#include <ksock/posix/sys/socket.h>
#include <ksock/posix/unistd.h>
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_CLIENTS 4

static const char* const lines[] = {"hello\n", "select loop\n", "goodbye\n"};

static int make_listener(void) {
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    int rc = getaddrinfo("127.0.0.1", "0", &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, SOMAXCONN) < 0) {
        perror("listener");
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    return fd;
}

static int set_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL, 0);
    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int main(void) {
    int listener = make_listener();
    if (listener < 0)
        return 1;
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    if (getsockname(listener, (struct sockaddr*)&addr, &len) < 0) {
        perror("getsockname");
        return 1;
    }
    char text[INET_ADDRSTRLEN];
    printf("echo server on %s:%u\n", inet_ntop(AF_INET, &addr.sin_addr, text, sizeof text),
           (unsigned)ntohs(addr.sin_port));

    // The client: a non-blocking connect, finished when select says writable.
    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (client < 0 || set_nonblocking(client) < 0) {
        perror("client");
        return 1;
    }
    if (connect(client, (struct sockaddr*)&addr, sizeof addr) < 0 && errno != EINPROGRESS) {
        perror("connect");
        return 1;
    }

    int clients[MAX_CLIENTS];
    for (int i = 0; i < MAX_CLIENTS; ++i)
        clients[i] = -1;
    int connected = 0, next_line = 0, echoed = 0;
    size_t got = 0;
    char reply[64];

    for (int round = 0; round < 1000 && echoed < 3; ++round) {
        fd_set rfds, wfds;
        FD_ZERO(&rfds);
        FD_ZERO(&wfds);
        FD_SET(listener, &rfds);
        int maxfd = listener;
        for (int i = 0; i < MAX_CLIENTS; ++i)
            if (clients[i] >= 0) {
                FD_SET(clients[i], &rfds);
                if (clients[i] > maxfd)
                    maxfd = clients[i];
            }
        if (connected)
            FD_SET(client, &rfds);
        else
            FD_SET(client, &wfds);
        if (client > maxfd)
            maxfd = client;
        struct timeval tv = {1, 0};
        int n = select(maxfd + 1, &rfds, &wfds, NULL, &tv);
        if (n < 0) {
            perror("select");
            return 1;
        }

        // The server: accept, then echo what each connection sends.
        if (FD_ISSET(listener, &rfds)) {
            struct sockaddr_in peer;
            socklen_t plen = sizeof peer;
            int fd = accept(listener, (struct sockaddr*)&peer, &plen);
            if (fd >= 0) {
                printf("accepted %s:%u\n", inet_ntoa(peer.sin_addr),
                       (unsigned)ntohs(peer.sin_port));
                int i = 0;
                while (i < MAX_CLIENTS && clients[i] >= 0)
                    ++i;
                if (i == MAX_CLIENTS)
                    close(fd);
                else
                    clients[i] = fd;
            }
        }
        for (int i = 0; i < MAX_CLIENTS; ++i) {
            if (clients[i] < 0 || !FD_ISSET(clients[i], &rfds))
                continue;
            char buf[128];
            ssize_t r = read(clients[i], buf, sizeof buf);
            if (r <= 0) {
                close(clients[i]);
                clients[i] = -1;
            } else if (write(clients[i], buf, (size_t)r) != r) {
                perror("echo");
                return 1;
            }
        }

        // The client: once connected, one line at a time, each read back.
        if (!connected && FD_ISSET(client, &wfds)) {
            int err = 0;
            socklen_t elen = sizeof err;
            if (getsockopt(client, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err != 0) {
                fprintf(stderr, "connect: %s\n", strerror(err));
                return 1;
            }
            connected = 1;
        }
        if (connected && got == 0 && next_line == echoed && next_line < 3) {
            const char* line = lines[next_line++];
            if (send(client, line, strlen(line), 0) != (ssize_t)strlen(line)) {
                perror("send");
                return 1;
            }
        }
        if (connected && FD_ISSET(client, &rfds)) {
            ssize_t r = recv(client, reply + got, sizeof reply - 1 - got, 0);
            if (r <= 0) {
                fprintf(stderr, "the server closed early\n");
                return 1;
            }
            got += (size_t)r;
            reply[got] = '\0';
            if (got == strlen(lines[echoed])) {
                if (strcmp(reply, lines[echoed]) != 0) {
                    fprintf(stderr, "echo mismatch: sent %s, got %s", lines[echoed], reply);
                    return 1;
                }
                printf("echoed: %s", reply);
                ++echoed;
                got = 0;
            }
        }
    }
    close(client);
    for (int i = 0; i < MAX_CLIENTS; ++i)
        if (clients[i] >= 0)
            close(clients[i]);
    close(listener);
    if (echoed != 3) {
        fprintf(stderr, "only %d of 3 lines came back\n", echoed);
        return 1;
    }
    printf("all %d lines echoed\n", echoed);
    return 0;
}
