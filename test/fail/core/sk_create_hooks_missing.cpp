// Hooks for sk_create that define none of sk_create_defaults' members.
// EXPECT: ksock::sk_create_hooks<H>: H must define capability<Entry>, sets_sk_protocol
#include <ksock/core/sk_create.hpp>
#include <ksock/ksock.hpp>

struct no_hooks {};
constexpr auto o = ksock::sk_image<ksock::unix_domain::unix_stream_protosw, no_hooks>(1, 0);
