// The const overload of skb_cb<CB> checks the size as the other one does.
// EXPECT: ksock::skb_cb<CB>: CB must fit in 48 bytes
#include <ksock/objects/sk_buff.hpp>

struct cb49 {
    unsigned char b[49];
};
const cb49& f(const ksock::sk_buff& skb) {
    return ksock::skb_cb<cb49>(skb);
}
