// test/differential/packet/wire.cpp: IPv4 + TCP encoding and decoding.
#include "wire.hpp"

namespace ksock_packet {

namespace {

void put16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}
void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
    put16(b, at, static_cast<std::uint16_t>(v >> 16));
    put16(b, at + 2, static_cast<std::uint16_t>(v));
}
std::uint16_t get16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
std::uint32_t get32(const std::uint8_t* p) {
    return (std::uint32_t{get16(p)} << 16) | get16(p + 2);
}

std::vector<std::uint8_t> encode_options(const std::vector<tcp_option>& opts) {
    std::vector<std::uint8_t> o;
    auto push32 = [&](std::uint32_t v) {
        for (int s = 24; s >= 0; s -= 8)
            o.push_back(static_cast<std::uint8_t>(v >> s));
    };
    for (const auto& op : opts) {
        switch (op.k) {
        case tcp_option::kind::eol:
            o.push_back(0);
            break;
        case tcp_option::kind::nop:
            o.push_back(1);
            break;
        case tcp_option::kind::mss:
            o.insert(o.end(),
                     {2, 4, static_cast<std::uint8_t>(op.a >> 8), static_cast<std::uint8_t>(op.a)});
            break;
        case tcp_option::kind::wscale:
            o.insert(o.end(), {3, 3, static_cast<std::uint8_t>(op.a)});
            break;
        case tcp_option::kind::sack_permitted:
            o.insert(o.end(), {4, 2});
            break;
        case tcp_option::kind::sack:
            o.push_back(5);
            o.push_back(static_cast<std::uint8_t>(2 + 8 * op.blocks.size()));
            for (const auto& [l, r] : op.blocks) {
                push32(l);
                push32(r);
            }
            break;
        case tcp_option::kind::timestamp:
            o.insert(o.end(), {8, 10});
            push32(op.a);
            push32(op.b);
            break;
        }
    }
    // The header length is in 32-bit words: pad with EOL (zero) bytes.
    while (o.size() % 4)
        o.push_back(0);
    return o;
}

} // namespace

std::uint16_t inet_checksum(const std::uint8_t* p, std::size_t n, std::uint32_t sum) {
    for (std::size_t i = 0; i + 1 < n; i += 2)
        sum += static_cast<std::uint32_t>((p[i] << 8) | p[i + 1]);
    if (n & 1)
        sum += static_cast<std::uint32_t>(p[n - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

namespace {
std::uint32_t pseudo_sum(std::uint32_t src, std::uint32_t dst, std::size_t tcp_len) {
    return (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) + 6u +
           static_cast<std::uint32_t>(tcp_len);
}
} // namespace

std::vector<std::uint8_t> build_ipv4(const wire_tcp& s) {
    const std::vector<std::uint8_t> opts = encode_options(s.options);
    const std::size_t tcp_len = 20 + opts.size() + s.payload.size();
    std::vector<std::uint8_t> b(20 + tcp_len, 0);
    b[0] = 0x45;
    b[1] = s.tos;
    put16(b, 2, static_cast<std::uint16_t>(b.size()));
    put16(b, 4, 0);
    put16(b, 6, s.df ? 0x4000 : 0);
    b[8] = s.ttl;
    b[9] = 6;
    put32(b, 12, s.src_ip);
    put32(b, 16, s.dst_ip);
    put16(b, 10, inet_checksum(b.data(), 20));
    const std::size_t t = 20;
    put16(b, t + 0, s.src_port);
    put16(b, t + 2, s.dst_port);
    put32(b, t + 4, s.seq);
    put32(b, t + 8, s.ack);
    b[t + 12] = static_cast<std::uint8_t>(((20 + opts.size()) / 4) << 4);
    b[t + 13] = s.flags;
    put16(b, t + 14, s.win);
    put16(b, t + 18, s.urg);
    std::copy(opts.begin(), opts.end(), b.begin() + t + 20);
    std::copy(s.payload.begin(), s.payload.end(),
              b.begin() + static_cast<long>(t + 20 + opts.size()));
    put16(b, t + 16, inet_checksum(b.data() + t, tcp_len, pseudo_sum(s.src_ip, s.dst_ip, tcp_len)));
    return b;
}

decoded parse_ipv4(const std::uint8_t* p, std::size_t n) {
    decoded d;
    if (n < 1 || (p[0] >> 4) != 4)
        return d;
    d.ipv4 = true;
    const std::size_t ihl = static_cast<std::size_t>(p[0] & 0x0F) * 4;
    if (n < 20 || ihl < 20 || ihl > n) {
        d.error =
            "IPv4 header length " + std::to_string(ihl) + " in a packet of " + std::to_string(n);
        return d;
    }
    const std::size_t total = get16(p + 2);
    if (total != n) {
        d.error = "IPv4 total length " + std::to_string(total) + " but " + std::to_string(n) +
                  " bytes read";
        return d;
    }
    if (inet_checksum(p, ihl) != 0) {
        d.error = "bad IPv4 header checksum";
        return d;
    }
    if (get16(p + 6) & 0x3FFF) {
        d.error = "a fragment";
        return d;
    }
    if (p[9] != 6)
        return d;
    d.tcp = true;
    wire_tcp& s = d.seg;
    s.tos = p[1];
    s.ttl = p[8];
    s.df = (get16(p + 6) & 0x4000) != 0;
    s.src_ip = get32(p + 12);
    s.dst_ip = get32(p + 16);
    const std::uint8_t* t = p + ihl;
    const std::size_t tl = n - ihl;
    if (tl < 20) {
        d.error = "a TCP header of " + std::to_string(tl) + " bytes";
        return d;
    }
    if (inet_checksum(t, tl, pseudo_sum(s.src_ip, s.dst_ip, tl)) != 0) {
        d.error = "bad TCP checksum";
        return d;
    }
    const std::size_t doff = static_cast<std::size_t>(t[12] >> 4) * 4;
    if (doff < 20 || doff > tl) {
        d.error = "TCP data offset " + std::to_string(doff);
        return d;
    }
    s.src_port = get16(t);
    s.dst_port = get16(t + 2);
    s.seq = get32(t + 4);
    s.ack = get32(t + 8);
    s.flags = t[13];
    s.win = get16(t + 14);
    s.urg = get16(t + 18);
    s.payload.assign(t + doff, t + tl);
    // Options, in order; the EOL padding at the end is not listed.
    std::size_t i = 20;
    while (i < doff) {
        const std::uint8_t kind = t[i];
        if (kind == 0) {
            for (std::size_t j = i; j < doff; ++j)
                if (t[j] != 0) {
                    d.error = "bytes after an EOL option";
                    return d;
                }
            break;
        }
        if (kind == 1) {
            s.options.push_back(tcp_option{tcp_option::kind::nop, 0, 0, {}});
            ++i;
            continue;
        }
        if (i + 1 >= doff || t[i + 1] < 2 || i + t[i + 1] > doff) {
            d.error = "option " + std::to_string(kind) + " runs past the header";
            return d;
        }
        const std::size_t len = t[i + 1];
        tcp_option o;
        auto need = [&](std::size_t want) {
            if (len != want)
                d.error = "option " + std::to_string(kind) + " of length " + std::to_string(len);
            return len == want;
        };
        switch (kind) {
        case 2:
            if (!need(4))
                return d;
            o.k = tcp_option::kind::mss;
            o.a = get16(t + i + 2);
            break;
        case 3:
            if (!need(3))
                return d;
            o.k = tcp_option::kind::wscale;
            o.a = t[i + 2];
            break;
        case 4:
            if (!need(2))
                return d;
            o.k = tcp_option::kind::sack_permitted;
            break;
        case 5:
            if (len < 10 || (len - 2) % 8) {
                d.error = "a SACK option of length " + std::to_string(len);
                return d;
            }
            o.k = tcp_option::kind::sack;
            for (std::size_t b = i + 2; b < i + len; b += 8)
                o.blocks.emplace_back(get32(t + b), get32(t + b + 4));
            break;
        case 8:
            if (!need(10))
                return d;
            o.k = tcp_option::kind::timestamp;
            o.a = get32(t + i + 2);
            o.b = get32(t + i + 6);
            break;
        default:
            d.error = "unknown TCP option kind " + std::to_string(kind);
            return d;
        }
        s.options.push_back(std::move(o));
        i += len;
    }
    return d;
}

std::string ip_to_string(std::uint32_t ip) {
    return std::to_string(ip >> 24) + "." + std::to_string((ip >> 16) & 0xFF) + "." +
           std::to_string((ip >> 8) & 0xFF) + "." + std::to_string(ip & 0xFF);
}

} // namespace ksock_packet
