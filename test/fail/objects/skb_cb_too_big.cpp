// skb_cb<CB>: a protocol's control block must fit skb->cb (48 bytes), as
// Linux's BUILD_BUG_ON(sizeof(struct ...) > sizeof_field(struct sk_buff, cb)).
// EXPECT: ksock::skb_cb<CB>: CB must fit in 48 bytes
#include <ksock/objects/sk_buff.hpp>

struct cb49 {
    unsigned char b[49];
};
cb49& f(ksock::sk_buff& skb) {
    return ksock::skb_cb<cb49>(skb);
}
