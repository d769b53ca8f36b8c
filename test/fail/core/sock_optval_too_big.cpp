// sk_getsockopt's union v holds every SOL_SOCKET value; a value larger than
// it would be copied past its end.
// EXPECT: ksock::sk_getsockopt: the value must fit in v
#include <ksock/core/sock_getsockopt.hpp>

struct too_big {
    unsigned char b[sizeof(ksock::detail::sock_optval) + 1];
};
int f(ksock::detail::sock_optval& v) {
    return v.set(too_big{});
}
