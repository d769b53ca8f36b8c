// ksock/objects/kmsghdr.hpp: a message as the kernel side of sendmsg/recvmsg sees it
// (the kernel's struct msghdr): the address copied in, and iov_iter, the
// cursor over the caller's iovecs.
#pragma once

#include <cstddef>
#include <cstring>

#include <ksock/uapi/msghdr.hpp>

namespace ksock {

//! A cursor over the caller's iovecs (struct iov_iter, ITER_IOVEC/UBUF).
struct iov_iter {
    const iovec* iov;       //!< the current iovec
    std::size_t nr_segs;    //!< iovecs left, the current one included
    std::size_t iov_offset; //!< into iov[0]
    std::size_t count;      //!< bytes left in the whole iterator

    //! Copy up to \p n bytes from the caller into \p to; returns the count,
    //! short when the caller's buffer is bad (the protocol returns EFAULT).
    std::size_t copy_from(void* to, std::size_t n) noexcept {
        return step(n, [&](unsigned char* user, std::size_t k, std::size_t done) {
            std::memcpy(static_cast<unsigned char*>(to) + done, user, k);
        });
    }
    //! Copy up to \p n bytes of \p from out to the caller.
    std::size_t copy_to(const void* from, std::size_t n) noexcept {
        return step(n, [&](unsigned char* user, std::size_t k, std::size_t done) {
            std::memcpy(user, static_cast<const unsigned char*>(from) + done, k);
        });
    }
    //! Skip \p n bytes (iov_iter_advance).
    void advance(std::size_t n) noexcept {
        step(n, [](unsigned char*, std::size_t, std::size_t) {});
    }

private:
    template <class F>
    std::size_t step(std::size_t n, F&& f) noexcept {
        if (n > count)
            n = count;
        std::size_t done = 0;
        while (done < n) {
            const std::size_t avail = iov->iov_len - iov_offset;
            if (avail == 0) {
                ++iov;
                --nr_segs;
                iov_offset = 0;
                continue;
            }
            // A null buffer is the one bad address ksock can see: the copy
            // stops there, as a faulting copy_from_user does, and the
            // caller turns the short count into EFAULT.
            if (!iov->iov_base)
                break;
            const std::size_t k = avail < n - done ? avail : n - done;
            f(static_cast<unsigned char*>(iov->iov_base) + iov_offset, k, done);
            iov_offset += k;
            done += k;
        }
        count -= done;
        return done;
    }
};

//! The kernel's struct msghdr: what proto_ops::sendmsg / recvmsg receive.
struct kmsghdr {
    void* msg_name;    //!< the address (kernel copy, sockaddr_storage-sized)
    int msg_namelen;   //!< in: its length; out (recvmsg): the length written
    iov_iter msg_iter; //!< the data: a cursor over the caller's iovecs
    int msg_flags;     //!< sendmsg: the call's flags; recvmsg: MSG_TRUNC ... out
    //! The caller's control buffer (read in place by a send, written by a
    //! receive: put_cmsg advances it and shrinks msg_controllen).
    void* msg_control;
    std::size_t msg_controllen; //!< bytes left in msg_control
};

} // namespace ksock
