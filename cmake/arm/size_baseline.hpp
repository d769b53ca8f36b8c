// cmake/arm/size_baseline.hpp: a stand-in for ksock::stack whose calls are
// stubs, so that a program can be linked once with ksock and once without
// ksock's code (its "baseline") and the difference measured. Used by
// examples/firmware.cpp and cmake/arm/size_probe.cpp when built with
// KSOCK_SIZE_BASELINE (targets firmware_baseline and size_probe_baseline).
//
// Each stub is a separate, non-inlined function that reads a volatile, so the
// compiler cannot fold the callers' checks away: the baseline keeps all of the
// program's own code (printing, checking) and drops only ksock's. The stubs
// themselves are a few bytes each, so the measured difference is a slight
// underestimate of what ksock adds. Never run: its results are meaningless.
#pragma once

#include <cstddef>

#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock_size {

template <class Config>
class baseline_stack {
public:
    struct net_stub {
        int sock_inuse;
    };

    static constexpr std::size_t static_ram() noexcept { return sizeof(baseline_stack); }
    static constexpr std::size_t proto_pool_ram() noexcept { return 0; }

    [[gnu::noinline]] void boot() noexcept { sink_ = 0; }
    [[gnu::noinline]] int socket(int family, int type, int protocol) noexcept {
        sink_ = family + type + protocol;
        return sink_;
    }
    template <int Family, int Type, int Protocol>
    [[gnu::noinline]] int socket() noexcept {
        return sink_;
    }
    [[gnu::noinline]] int close(int fd) noexcept {
        sink_ = fd;
        return sink_;
    }
    [[gnu::noinline]] int getsockopt(int fd, int level, int optname, void* optval,
                                     ksock::socklen_t* optlen) noexcept {
        sink_ = fd + level + optname;
        if (sink_ != 0 && optval != nullptr && optlen != nullptr)
            *static_cast<int*>(optval) = sink_;
        return sink_;
    }
    [[gnu::noinline]] int setsockopt(int fd, int level, int optname, const void* optval,
                                     ksock::socklen_t optlen) noexcept {
        sink_ = fd + level + optname + (optval != nullptr) + static_cast<int>(optlen);
        return sink_;
    }
    [[gnu::noinline]] int bind(int fd, const ksock::sockaddr* a, ksock::socklen_t l) noexcept {
        sink_ = fd + (a != nullptr) + static_cast<int>(l);
        return sink_;
    }
    [[gnu::noinline]] long sendto(int fd, const void* b, std::size_t n, int flags,
                                  const ksock::sockaddr* a, ksock::socklen_t l) noexcept {
        sink_ = fd + (b != nullptr) + static_cast<int>(n) + flags + (a != nullptr) +
                static_cast<int>(l);
        return sink_;
    }
    [[gnu::noinline]] long recvfrom(int fd, void* b, std::size_t n, int flags, ksock::sockaddr* a,
                                    ksock::socklen_t* l) noexcept {
        sink_ = fd + static_cast<int>(n) + flags;
        if (sink_ != 0 && b != nullptr && a != nullptr && l != nullptr)
            *static_cast<char*>(b) = static_cast<char>(sink_);
        return sink_;
    }
    [[gnu::noinline]] long recv(int fd, void* b, std::size_t n, int flags) noexcept {
        sink_ = fd + static_cast<int>(n) + flags;
        if (sink_ != 0 && b != nullptr)
            *static_cast<char*>(b) = static_cast<char>(sink_);
        return sink_;
    }
    [[gnu::noinline]] std::size_t skbs_in_use() noexcept { return static_cast<std::size_t>(sink_); }
    template <class P>
    [[gnu::noinline]] std::size_t objects_in_use() noexcept {
        return static_cast<std::size_t>(sink_);
    }
    [[gnu::noinline]] std::size_t sockets_in_use() noexcept {
        return static_cast<std::size_t>(sink_);
    }
    [[gnu::noinline]] std::size_t files_in_use() noexcept {
        return static_cast<std::size_t>(sink_);
    }
    [[gnu::noinline]] net_stub& net() noexcept {
        net_.sock_inuse = sink_;
        return net_;
    }

private:
    volatile int sink_ = 0;
    net_stub net_{};
};

} // namespace ksock_size
