// test/differential/random/shrink.cpp: the shrinker. Every candidate is
// judged by running it (the kernel twice, ksock once): a smaller sequence
// is kept only when it still shows the same problem against the kernel.
// What it tries depends on nothing but the sequence, so a given mismatch
// shrinks the same way every time the kernel answers the same way.
#include "shrink.hpp"

#include <algorithm>
#include <vector>

#include <sys/socket.h>

namespace ksock_random {

using namespace ksock_loopback;

namespace {

class shrinker {
public:
    shrinker(const verdict& target, int& next_index, int budget)
        : sig_(target.first->signature), doc_(target.first->documented), next_(next_index),
          budget_(budget) {}

    shrunk run(const sequence& start, const verdict& v0) {
        shrunk r{start, v0, 0, false};
        best_ = &r;
        // What comes after the finding cannot have caused it.
        if (r.v.first->step + 1 < r.s.steps.size()) {
            sequence cut = r.s;
            cut.steps.resize(r.v.first->step + 1);
            try_keep(cut);
        }
        bool changed = true;
        while (changed && !out()) {
            changed = ddmin();
            changed |= simplify();
        }
        r.exhausted = out();
        r.evaluations = used_;
        return r;
    }

private:
    std::string sig_, doc_;
    int& next_;
    int budget_, used_ = 0;
    shrunk* best_ = nullptr;

    bool out() const { return used_ >= budget_; }

    bool try_keep(const sequence& cand) {
        if (out() || cand.steps.empty())
            return false;
        ++used_;
        verdict v = check(cand, next_);
        if (!v.first || v.first->signature != sig_ || v.first->documented != doc_)
            return false;
        best_->s = cand;
        best_->v = std::move(v);
        return true;
    }

    //! Removes chunks of steps, from halves down to single steps.
    bool ddmin() {
        bool any = false;
        std::size_t n = 2;
        while (best_->s.steps.size() >= 2 && !out()) {
            const std::size_t size = best_->s.steps.size();
            const std::size_t chunk = (size + n - 1) / n;
            bool removed = false;
            for (std::size_t start = 0; start < size && !out(); start += chunk) {
                sequence cand = best_->s;
                cand.steps.erase(cand.steps.begin() + static_cast<long>(start),
                                 cand.steps.begin() +
                                     static_cast<long>(std::min(size, start + chunk)));
                if (try_keep(cand)) {
                    removed = any = true;
                    n = std::max<std::size_t>(n - 1, 2);
                    break;
                }
            }
            if (!removed) {
                if (chunk == 1)
                    break;
                n = std::min(size, n * 2);
            }
        }
        return any;
    }

    //! Simpler forms of one step, simplest first.
    static std::vector<step> variants(const step& s) {
        std::vector<step> out;
        auto with = [&](auto change) {
            step c = s;
            change(c);
            out.push_back(std::move(c));
        };
        if (s.data.size() > 1) {
            with([](step& c) { c.data = c.data.substr(0, 1); });
            with([](step& c) { c.data = c.data.substr(0, c.data.size() / 2); });
        }
        if (!s.data.empty())
            with([](step& c) { c.data.clear(); });
        const bool flags = s.o == op::send || s.o == op::sendto || s.o == op::sendmsg ||
                           s.o == op::recv || s.o == op::recvfrom || s.o == op::recvmsg ||
                           s.o == op::sendmsg_cmsg || s.o == op::recvmsg_cmsg || s.o == op::accept4;
        if (flags)
            for (int bit = 0; bit < 31; ++bit)
                if (s.a & (1 << bit))
                    with([bit](step& c) { c.a &= ~(1 << bit); });
        if (s.o == op::socket || s.o == op::socketpair) {
            if (s.b & SOCK_CLOEXEC)
                with([](step& c) { c.b &= ~SOCK_CLOEXEC; });
        }
        if (s.len > 64)
            with([](step& c) { c.len = 64; });
        if (s.len > 1)
            with([](step& c) { c.len = 1; });
        if ((s.o == op::sendmsg || s.o == op::sendmsg_cmsg) && s.b > 1)
            with([](step& c) { c.b = 1; });
        if (s.addr_buf >= 0 && s.o != op::getsockopt_int && s.o != op::setsockopt_int)
            with([](step& c) { c.addr_buf = -1; });
        for (std::size_t i = 0; i < s.hs.size(); ++i)
            with([i](step& c) { c.hs.erase(c.hs.begin() + static_cast<long>(i)); });
        if (s.o == op::sendmsg_cmsg)
            for (int bit : {cmsg_rights, cmsg_creds, cmsg_bad_pid, cmsg_short_len})
                if (s.c & bit)
                    with([bit](step& c) { c.c &= ~bit; });
        if (s.o == op::sleep && s.a > 1)
            with([](step& c) { c.a = 1; });
        return out;
    }

    bool simplify() {
        bool any = false;
        for (std::size_t i = 0; i < best_->s.steps.size() && !out(); ++i) {
            bool again = true;
            while (again && !out()) {
                again = false;
                for (const step& v : variants(best_->s.steps[i])) {
                    sequence cand = best_->s;
                    cand.steps[i] = v;
                    if (try_keep(cand)) {
                        any = again = true;
                        break;
                    }
                }
            }
        }
        return any;
    }
};

} // namespace

shrunk shrink(const sequence& s, const verdict& target, int& next_index, int budget) {
    return shrinker(target, next_index, budget).run(s, target);
}

} // namespace ksock_random
