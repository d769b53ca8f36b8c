// test/differential/packet/parser.cpp: the script parser. Written here from
// the documented syntax of packetdrill's language (the subset in README.md):
// a character-level recursive descent over one line at a time; only
// "%{ ... }%" blocks and "/* */" comments span lines. Every error names the
// line it was found on.
#include <cctype>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "script.hpp"
#include "tcp_info.hpp"

namespace ksock_packet {

namespace {

struct failure {
    int line;
    std::string message;
};

//! Removes "//" and "/* */" comments, keeping the newlines (so line numbers
//! stay right) and the text of "%{ }%" blocks, where "//" is integer division.
std::string strip_comments(const std::string& in) {
    std::string out;
    out.reserve(in.size());
    bool in_block = false;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (!in_block && in.compare(i, 2, "%{") == 0) {
            in_block = true;
        } else if (in_block && in.compare(i, 2, "}%") == 0) {
            in_block = false;
        } else if (!in_block && in.compare(i, 2, "//") == 0) {
            while (i < in.size() && in[i] != '\n')
                ++i;
            if (i < in.size())
                out += '\n';
            continue;
        } else if (!in_block && in.compare(i, 2, "/*") == 0) {
            i += 2;
            while (i < in.size() && in.compare(i, 2, "*/") != 0) {
                if (in[i] == '\n')
                    out += '\n';
                ++i;
            }
            ++i;
            continue;
        }
        out += in[i];
    }
    return out;
}

class cursor {
public:
    cursor(std::string_view text, int line) : t_(text), line_(line) {}

    [[noreturn]] void fail(const std::string& msg) const { throw failure{line_, msg}; }

    void ws() {
        while (p_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[p_])))
            ++p_;
    }
    bool done() {
        ws();
        return p_ >= t_.size();
    }
    char peek() {
        ws();
        return p_ < t_.size() ? t_[p_] : '\0';
    }
    char peek_raw() const { return p_ < t_.size() ? t_[p_] : '\0'; }
    bool accept(std::string_view s) {
        ws();
        if (t_.substr(p_, s.size()) == s) {
            p_ += s.size();
            return true;
        }
        return false;
    }
    //! accept() for a word: the next character must not continue it.
    bool accept_word(std::string_view s) {
        ws();
        if (t_.substr(p_, s.size()) != s)
            return false;
        const std::size_t e = p_ + s.size();
        if (e < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[e])) || t_[e] == '_'))
            return false;
        p_ = e;
        return true;
    }
    void expect(std::string_view s) {
        if (!accept(s))
            fail("expected '" + std::string(s) + "' at '" + rest(20) + "'");
    }
    std::string rest(std::size_t n) const {
        std::string r(t_.substr(p_, n));
        return r.empty() ? "end of line" : r;
    }
    std::string ident() {
        ws();
        const std::size_t b = p_;
        while (p_ < t_.size() &&
               (std::isalnum(static_cast<unsigned char>(t_[p_])) || t_[p_] == '_'))
            ++p_;
        if (b == p_)
            fail("expected a name at '" + rest(20) + "'");
        return std::string(t_.substr(b, p_ - b));
    }
    bool at_ident() {
        ws();
        return p_ < t_.size() &&
               (std::isalpha(static_cast<unsigned char>(t_[p_])) || t_[p_] == '_');
    }
    bool at_digit() {
        ws();
        return p_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[p_]));
    }
    //! An unsigned integer, decimal or 0x hexadecimal.
    std::uint64_t number() {
        ws();
        int base = 10;
        if (t_.substr(p_, 2) == "0x" || t_.substr(p_, 2) == "0X") {
            base = 16;
            p_ += 2;
        }
        std::uint64_t v = 0;
        const auto r = std::from_chars(t_.data() + p_, t_.data() + t_.size(), v, base);
        if (r.ec != std::errc{})
            fail("expected a number at '" + rest(20) + "'");
        p_ = static_cast<std::size_t>(r.ptr - t_.data());
        return v;
    }
    std::uint32_t u32(const char* what) {
        const std::uint64_t v = number();
        if (v > 0xFFFFFFFFu)
            fail(std::string(what) + " out of range");
        return static_cast<std::uint32_t>(v);
    }
    //! Seconds with an optional fraction ("0", "1.5", ".100"): microseconds.
    usec seconds() {
        ws();
        usec whole = 0;
        bool any = false;
        while (p_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[p_]))) {
            whole = whole * 10 + (t_[p_++] - '0');
            any = true;
            if (whole > 100000)
                fail("time out of range");
        }
        usec frac = 0;
        // A '.' followed by a digit is a fraction; "..." is not.
        if (p_ + 1 < t_.size() && t_[p_] == '.' &&
            std::isdigit(static_cast<unsigned char>(t_[p_ + 1]))) {
            ++p_;
            usec scale = 100000;
            while (p_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[p_]))) {
                if (scale == 0)
                    fail("a time has at most 6 decimals (microseconds)");
                frac += (t_[p_++] - '0') * scale;
                scale /= 10;
                any = true;
            }
        }
        if (!any)
            fail("expected a time at '" + rest(20) + "'");
        return whole * 1000000 + frac;
    }
    std::size_t pos() const { return p_; }
    std::string_view text() const { return t_; }
    void set_pos(std::size_t p) { p_ = p; }
    int line() const { return line_; }

private:
    std::string_view t_;
    std::size_t p_ = 0;
    int line_;
};

time_point parse_time_point(cursor& c) {
    time_point tp;
    if (c.accept("*")) {
        tp.k = time_point::kind::any;
        return tp;
    }
    if (c.accept("+"))
        tp.k = time_point::kind::relative;
    tp.value = c.seconds();
    return tp;
}

timing parse_timing(cursor& c) {
    timing t;
    t.start = parse_time_point(c);
    if (c.peek_raw() == '~') {
        c.accept("~");
        t.range_end = parse_time_point(c);
    } else if (c.text().substr(c.pos(), 3) == "...") {
        c.accept("...");
        t.blocking_end = parse_time_point(c);
    }
    if (t.start.k == time_point::kind::any && (t.range_end || t.blocking_end))
        c.fail("'*' takes no range");
    return t;
}

// --- segments ------------------------------------------------------------------------

std::uint8_t parse_flags(cursor& c) {
    c.ws();
    std::uint8_t f = 0;
    bool any = false;
    for (;;) {
        const char ch = c.peek_raw();
        std::uint8_t bit = 0;
        switch (ch) {
        case 'S':
            bit = tcp_flag::syn;
            break;
        case 'F':
            bit = tcp_flag::fin;
            break;
        case 'R':
            bit = tcp_flag::rst;
            break;
        case 'P':
            bit = tcp_flag::psh;
            break;
        case '.':
            bit = tcp_flag::ack;
            break;
        case 'U':
            bit = tcp_flag::urg;
            break;
        case 'E':
            bit = tcp_flag::ece;
            break;
        case 'W':
            bit = tcp_flag::cwr;
            break;
        default:
            break;
        }
        if (!bit)
            break;
        if (f & bit)
            c.fail(std::string("flag '") + ch + "' written twice");
        f |= bit;
        any = true;
        c.set_pos(c.pos() + 1);
    }
    if (!any)
        c.fail("expected TCP flags (S F R P . U E W) at '" + c.rest(20) + "'");
    return f;
}

std::vector<tcp_option> parse_options(cursor& c, bool& any) {
    std::vector<tcp_option> opts;
    any = false;
    if (c.accept("...")) {
        any = true;
        c.expect(">");
        return opts;
    }
    if (c.accept(">"))
        return opts;
    for (;;) {
        tcp_option o;
        const std::string name = c.ident();
        if (name == "nop") {
            o.k = tcp_option::kind::nop;
        } else if (name == "eol") {
            o.k = tcp_option::kind::eol;
        } else if (name == "mss") {
            o.k = tcp_option::kind::mss;
            o.a = c.u32("mss");
            if (o.a > 0xFFFF)
                c.fail("mss out of range");
        } else if (name == "wscale") {
            o.k = tcp_option::kind::wscale;
            o.a = c.u32("wscale");
            if (o.a > 255)
                c.fail("wscale out of range");
        } else if (name == "sackOK") {
            o.k = tcp_option::kind::sack_permitted;
        } else if (name == "sack") {
            o.k = tcp_option::kind::sack;
            while (c.at_digit()) {
                const std::uint32_t l = c.u32("sack block");
                c.expect(":");
                const std::uint32_t r = c.u32("sack block");
                o.blocks.emplace_back(l, r);
            }
            if (o.blocks.empty() || o.blocks.size() > 4)
                c.fail("a sack option has 1 to 4 blocks");
        } else if (name == "TS") {
            o.k = tcp_option::kind::timestamp;
            if (!c.accept_word("val"))
                c.fail("expected 'TS val N ecr N'");
            o.a = c.u32("TS val");
            if (!c.accept_word("ecr"))
                c.fail("expected 'TS val N ecr N'");
            o.b = c.u32("TS ecr");
        } else {
            c.fail("unknown TCP option '" + name + "'");
        }
        opts.push_back(std::move(o));
        if (c.accept(">"))
            break;
        c.expect(",");
    }
    return opts;
}

segment parse_segment(cursor& c, bool inbound) {
    segment s;
    s.inbound = inbound;
    if (c.accept("[")) {
        static constexpr std::pair<std::string_view, std::uint8_t> codepoints[] = {
            {"noecn", 0}, {"ect1", 1}, {"ect0", 2}, {"ce", 3}};
        for (const auto& [name, v] : codepoints)
            if (!s.ecn && c.accept_word(name))
                s.ecn = v;
        if (!s.ecn)
            c.fail("expected an ECN codepoint (noecn, ect0, ect1, ce) at '" + c.rest(20) + "'");
        c.expect("]");
    }
    s.flags = parse_flags(c);
    s.seq = c.u32("seq");
    c.expect(":");
    const std::uint32_t end = c.u32("seq");
    c.expect("(");
    s.len = c.u32("length");
    c.expect(")");
    if (end - s.seq != s.len)
        c.fail("sequence range " + std::to_string(s.seq) + ":" + std::to_string(end) +
               " does not match the length " + std::to_string(s.len));
    while (!c.done()) {
        if (c.accept_word("ack")) {
            if (s.ack)
                c.fail("ack written twice");
            s.ack = c.u32("ack");
        } else if (c.accept_word("win")) {
            if (s.win)
                c.fail("win written twice");
            s.win = c.u32("win");
            if (*s.win > 0xFFFF)
                c.fail("win out of range (the header's 16 bits, before scaling)");
        } else if (c.accept_word("urg")) {
            s.urg = c.u32("urg");
            if (*s.urg > 0xFFFF)
                c.fail("urg out of range");
        } else if (c.accept("<")) {
            if (s.options || s.any_options)
                c.fail("options written twice");
            bool any = false;
            s.options = parse_options(c, any);
            s.any_options = any;
            if (any && inbound)
                c.fail("an inbound segment needs its options written out");
        } else {
            c.fail("unexpected '" + c.rest(20) + "' in a segment");
        }
    }
    if (s.ack && !(s.flags & tcp_flag::ack))
        c.fail("ack written without the ACK flag '.'");
    if (inbound && (s.flags & tcp_flag::ack) && !s.ack)
        c.fail("an inbound segment with '.' needs 'ack N'");
    if (inbound && !s.win)
        c.fail("an inbound segment needs 'win N'");
    if (s.urg && !(s.flags & tcp_flag::urg))
        c.fail("urg written without the URG flag 'U'");
    return s;
}

// --- system calls ----------------------------------------------------------------------

value parse_value(cursor& c);

std::int64_t parse_int_term(cursor& c) {
    if (c.accept("(")) {
        value v = parse_value(c);
        c.expect(")");
        if (v.k != value::kind::integer)
            c.fail("expected an integer in parentheses");
        return v.n;
    }
    if (c.accept("-"))
        return -parse_int_term(c);
    if (c.at_digit())
        return static_cast<std::int64_t>(c.number());
    if (c.at_ident()) {
        const std::string name = c.ident();
        if (const auto v = lookup_constant(name))
            return *v;
        c.fail("unknown name '" + name + "'");
    }
    c.fail("expected a value at '" + c.rest(20) + "'");
}

value parse_value(cursor& c) {
    if (c.accept("..."))
        return value::ellipsis();
    if (c.accept("[")) {
        value v;
        v.k = value::kind::array;
        if (!c.accept("]")) {
            do
                v.elems.push_back(parse_value(c));
            while (c.accept(","));
            c.expect("]");
        }
        return v;
    }
    if (c.accept("{")) {
        value v;
        v.k = value::kind::structure;
        if (!c.accept("}")) {
            do {
                std::string name = c.ident();
                c.expect("=");
                v.names.push_back(std::move(name));
                v.elems.push_back(parse_value(c));
            } while (c.accept(","));
            c.expect("}");
        }
        return v;
    }
    if (c.accept("\"")) {
        value v;
        v.k = value::kind::string;
        while (c.peek_raw() != '"') {
            if (c.peek_raw() == '\0')
                c.fail("unterminated string");
            v.s += c.peek_raw();
            c.set_pos(c.pos() + 1);
        }
        c.set_pos(c.pos() + 1);
        return v;
    }
    std::int64_t n = parse_int_term(c);
    while (c.accept("|"))
        n |= parse_int_term(c);
    return value::integer(n);
}

//! Which calls the runner knows, with their argument counts.
struct call_shape {
    std::string_view name;
    std::size_t min_args, max_args;
};
constexpr call_shape calls[] = {
    {"socket", 3, 3},  {"bind", 3, 3},        {"listen", 2, 2},      {"accept", 3, 3},
    {"accept4", 4, 4}, {"connect", 3, 3},     {"setsockopt", 5, 5},  {"getsockopt", 5, 5},
    {"write", 3, 3},   {"read", 3, 3},        {"send", 4, 4},        {"recv", 4, 4},
    {"close", 1, 1},   {"shutdown", 2, 2},    {"poll", 3, 3},        {"fcntl", 2, 3},
    {"ioctl", 3, 3},   {"getsockname", 3, 3}, {"getpeername", 3, 3},
};

syscall parse_syscall(cursor& c, const std::string& name) {
    syscall s;
    s.name = name;
    const call_shape* shape = nullptr;
    for (const auto& cs : calls)
        if (cs.name == name)
            shape = &cs;
    if (!shape)
        c.fail("unknown system call '" + name + "'");
    c.expect("(");
    if (!c.accept(")")) {
        do
            s.args.push_back(parse_value(c));
        while (c.accept(","));
        c.expect(")");
    }
    if (s.args.size() < shape->min_args || s.args.size() > shape->max_args)
        c.fail(name + "() takes " + std::to_string(shape->min_args) +
               (shape->min_args == shape->max_args ? "" : "-" + std::to_string(shape->max_args)) +
               " arguments, got " + std::to_string(s.args.size()));
    c.expect("=");
    s.ret = parse_value(c);
    if (s.ret.k != value::kind::integer && s.ret.k != value::kind::ellipsis)
        c.fail("a system call returns an integer or '...'");
    if (c.at_ident()) {
        const std::string e = c.ident();
        const auto v = lookup_constant(e);
        if (!v || e[0] != 'E')
            c.fail("unknown errno '" + e + "'");
        if (s.ret.k != value::kind::integer || s.ret.n != -1)
            c.fail("an errno goes with the result -1");
        s.err = static_cast<int>(*v);
    } else if (s.ret.k == value::kind::integer && s.ret.n == -1) {
        c.fail("a result of -1 needs its errno (\"= -1 EAGAIN\")");
    }
    // "(Operation now in progress)", "(flags O_RDWR)": free text, ignored.
    if (c.accept("(")) {
        int depth = 1;
        while (depth > 0) {
            const char ch = c.peek_raw();
            if (ch == '\0')
                c.fail("unbalanced '(' after the result");
            depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
            c.set_pos(c.pos() + 1);
        }
    }
    if (!c.done())
        c.fail("unexpected '" + c.rest(20) + "' after the result");
    return s;
}

// --- the assertion language ------------------------------------------------------------

std::unique_ptr<expr> parse_or(cursor& c);

std::unique_ptr<expr> make_binary(std::string op, std::unique_ptr<expr> l,
                                  std::unique_ptr<expr> r) {
    auto e = std::make_unique<expr>();
    e->k = expr::kind::binary;
    e->op = std::move(op);
    e->sub.push_back(std::move(l));
    e->sub.push_back(std::move(r));
    return e;
}

std::unique_ptr<expr> parse_primary(cursor& c) {
    if (c.accept("(")) {
        auto e = parse_or(c);
        c.expect(")");
        return e;
    }
    if (c.accept("-")) {
        auto e = std::make_unique<expr>();
        e->k = expr::kind::unary;
        e->op = "-";
        e->sub.push_back(parse_primary(c));
        return e;
    }
    auto e = std::make_unique<expr>();
    if (c.at_digit()) {
        e->k = expr::kind::number;
        e->n = static_cast<std::int64_t>(c.number());
        return e;
    }
    const std::string name = c.ident();
    if (name.rfind("tcpi_", 0) == 0) {
        if (!find_tcp_info_field(name))
            c.fail("unknown TCP_INFO field '" + name + "'");
        e->k = expr::kind::field;
        e->field = name;
        return e;
    }
    if (name == "True" || name == "False") {
        e->k = expr::kind::number;
        e->n = name == "True";
        return e;
    }
    const auto v = lookup_constant(name);
    if (!v)
        c.fail("unknown name '" + name + "' (fields are tcpi_*)");
    e->k = expr::kind::number;
    e->n = *v;
    return e;
}

std::unique_ptr<expr> parse_mul(cursor& c) {
    auto l = parse_primary(c);
    for (;;) {
        if (c.accept("//") || c.accept("/"))
            l = make_binary("/", std::move(l), parse_primary(c));
        else if (c.accept("*"))
            l = make_binary("*", std::move(l), parse_primary(c));
        else if (c.accept("%"))
            l = make_binary("%", std::move(l), parse_primary(c));
        else
            return l;
    }
}

std::unique_ptr<expr> parse_add(cursor& c) {
    auto l = parse_mul(c);
    for (;;) {
        if (c.accept("+"))
            l = make_binary("+", std::move(l), parse_mul(c));
        else if (c.accept("-"))
            l = make_binary("-", std::move(l), parse_mul(c));
        else
            return l;
    }
}

std::unique_ptr<expr> parse_bitand(cursor& c) {
    auto l = parse_add(c);
    while (c.peek() == '&') {
        c.accept("&");
        l = make_binary("&", std::move(l), parse_add(c));
    }
    return l;
}

std::unique_ptr<expr> parse_bitor(cursor& c) {
    auto l = parse_bitand(c);
    while (c.peek() == '|') {
        c.accept("|");
        l = make_binary("|", std::move(l), parse_bitand(c));
    }
    return l;
}

std::unique_ptr<expr> parse_compare(cursor& c) {
    auto first = parse_bitor(c);
    auto chain = std::make_unique<expr>();
    chain->k = expr::kind::compare_chain;
    chain->sub.push_back(std::move(first));
    for (;;) {
        static constexpr std::string_view ops[] = {"==", "!=", "<=", ">=", "<", ">"};
        std::string_view hit;
        for (auto op : ops)
            if (c.accept(op)) {
                hit = op;
                break;
            }
        if (hit.empty())
            break;
        chain->cmp.emplace_back(hit);
        chain->sub.push_back(parse_bitor(c));
    }
    if (chain->cmp.empty())
        return std::move(chain->sub.front());
    return chain;
}

std::unique_ptr<expr> parse_not(cursor& c) {
    if (c.accept_word("not")) {
        auto e = std::make_unique<expr>();
        e->k = expr::kind::unary;
        e->op = "not";
        e->sub.push_back(parse_not(c));
        return e;
    }
    return parse_compare(c);
}

std::unique_ptr<expr> parse_and(cursor& c) {
    auto l = parse_not(c);
    while (c.accept_word("and"))
        l = make_binary("and", std::move(l), parse_not(c));
    return l;
}

std::unique_ptr<expr> parse_or(cursor& c) {
    auto l = parse_and(c);
    while (c.accept_word("or"))
        l = make_binary("or", std::move(l), parse_and(c));
    return l;
}

//! The body of "%{ ... }%": statements "assert EXPR[, message]" separated
//! by newlines or ';'. first_line is the line of "%{".
std::shared_ptr<assert_block> parse_assert_block(std::string_view body, int first_line) {
    auto block = std::make_shared<assert_block>();
    int line = first_line;
    std::size_t b = 0;
    for (std::size_t i = 0; i <= body.size(); ++i) {
        if (i < body.size() && body[i] != '\n' && body[i] != ';')
            continue;
        std::string_view stmt = body.substr(b, i - b);
        // A python comment runs to the end of the line.
        if (const auto h = stmt.find('#'); h != std::string_view::npos)
            stmt = stmt.substr(0, h);
        cursor c(stmt, line);
        if (!c.done()) {
            if (!c.accept_word("assert"))
                c.fail("a %{ }% block holds only 'assert EXPR' statements (no python)");
            assertion a;
            a.test = parse_or(c);
            if (c.accept(",")) {
                c.set_pos(stmt.size()); // the message: ignored
            }
            if (!c.done())
                c.fail("unexpected '" + c.rest(20) + "' in an assertion");
            a.text = std::string(stmt);
            while (!a.text.empty() && std::isspace(static_cast<unsigned char>(a.text.front())))
                a.text.erase(a.text.begin());
            while (!a.text.empty() && std::isspace(static_cast<unsigned char>(a.text.back())))
                a.text.pop_back();
            block->asserts.push_back(std::move(a));
        }
        if (i < body.size() && body[i] == '\n')
            ++line;
        b = i + 1;
    }
    if (block->asserts.empty())
        throw failure{first_line, "an empty %{ }% block"};
    return block;
}

// --- lines ---------------------------------------------------------------------------------

void parse_directive(cursor& c, script& s) {
    const std::string word = c.ident();
    if (word == "sysctl") {
        c.ws();
        const std::size_t b = c.pos();
        while (c.peek_raw() != '\0' && c.peek_raw() != '=' &&
               !std::isspace(static_cast<unsigned char>(c.peek_raw())))
            c.set_pos(c.pos() + 1);
        std::string name(c.text().substr(b, c.pos() - b));
        if (name.rfind("net.", 0) != 0 || name.find("..") != std::string::npos ||
            name.find('/') != std::string::npos)
            c.fail("a sysctl directive names a net.* sysctl (\"sysctl net.ipv4.tcp_sack=1\")");
        c.expect("=");
        c.ws();
        std::string v(c.text().substr(c.pos()));
        while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back())))
            v.pop_back();
        if (v.empty())
            c.fail("sysctl " + name + " needs a value");
        s.sysctls.emplace_back(std::move(name), std::move(v));
    } else if (word == "tolerance") {
        s.tolerance = c.seconds();
        if (!c.done())
            c.fail("'tolerance SECONDS'");
    } else {
        c.fail("unknown directive '" + word + "' (sysctl, tolerance) or a line without a time");
    }
}

} // namespace

std::optional<script> parse_script(const std::string& text, const std::string& path,
                                   parse_error& err) {
    script s;
    s.path = path;
    const std::string src = strip_comments(text);
    try {
        std::size_t pos = 0;
        int line = 1;
        while (pos < src.size()) {
            std::size_t eol = src.find('\n', pos);
            if (eol == std::string::npos)
                eol = src.size();
            std::string_view l(src.data() + pos, eol - pos);
            const int this_line = line;
            cursor c(l, this_line);
            if (c.done()) {
                pos = eol + 1;
                ++line;
                continue;
            }
            if (c.at_ident()) {
                if (!s.events.empty())
                    c.fail("directives come before the first timed line");
                parse_directive(c, s);
                pos = eol + 1;
                ++line;
                continue;
            }
            event ev;
            ev.line = this_line;
            ev.when = parse_timing(c);
            c.ws();
            if (c.accept("%{")) {
                // The block may span lines: find its end in the whole text.
                const std::size_t body_begin = pos + c.pos();
                const std::size_t close = src.find("}%", body_begin);
                if (close == std::string::npos)
                    c.fail("'%{' without '}%'");
                const std::string_view body(src.data() + body_begin, close - body_begin);
                ev.k = event::kind::check;
                ev.check = parse_assert_block(body, this_line);
                ev.text = "%{" + std::string(body) + "}%";
                for (char ch : body)
                    line += ch == '\n';
                eol = src.find('\n', close);
                if (eol == std::string::npos)
                    eol = src.size();
                cursor tail(std::string_view(src.data() + close + 2, eol - close - 2), line);
                if (!tail.done())
                    tail.fail("unexpected text after '}%'");
                if (ev.when.blocking_end)
                    c.fail("'...' is for system calls");
            } else if (c.accept("<") || c.accept(">")) {
                const bool inbound = c.text()[c.pos() - 1] == '<';
                ev.k = event::kind::packet;
                ev.pkt = parse_segment(c, inbound);
                ev.text = std::string(l.substr(l.find(inbound ? '<' : '>')));
                if (ev.when.blocking_end)
                    c.fail("'...' is for system calls");
                if (inbound && ev.when.range_end)
                    c.fail("an inbound segment is sent at one time, not a range");
                if (inbound && ev.when.start.k == time_point::kind::any)
                    c.fail("an inbound segment needs a time, not '*'");
            } else if (c.at_ident()) {
                const std::size_t b = c.pos();
                const std::string name = c.ident();
                ev.k = event::kind::call;
                ev.call = parse_syscall(c, name);
                ev.call.text = std::string(l.substr(b));
                while (!ev.call.text.empty() &&
                       std::isspace(static_cast<unsigned char>(ev.call.text.back())))
                    ev.call.text.pop_back();
                ev.text = ev.call.text;
                if (ev.when.range_end)
                    c.fail("a system call starts at one time ('a...b' for a blocking one)");
            } else {
                c.fail("expected '<', '>', a system call or '%{' after the time");
            }
            s.events.push_back(std::move(ev));
            pos = eol + 1;
            ++line;
        }
    } catch (const failure& f) {
        err.line = f.line;
        err.message = f.message;
        return std::nullopt;
    }
    if (s.events.empty()) {
        err.line = 1;
        err.message = "a script without events";
        return std::nullopt;
    }
    return s;
}

} // namespace ksock_packet
