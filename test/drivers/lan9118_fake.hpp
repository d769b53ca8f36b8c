// test/drivers/lan9118_fake.hpp: a register model of the SMSC LAN9118, for
// running ksock::drivers::lan9118 on the host. It follows the datasheet's
// register map for what a driver touches: BYTE_TEST, the soft reset, the
// MAC CSR window (MAC_CR, ADDRH/ADDRL, MII_ACC/MII_DATA) and a clause-22
// PHY behind it, the TX data FIFO's command words and data, the TX and RX
// status FIFOs, the RX data FIFO, INT_STS (write one to clear), INT_EN,
// IRQ_CFG and the interrupt line they drive.
//
// A test injects received frames (with a status of its own when it plays a
// hostile or broken chip), reads the frames the driver transmitted, and
// sees every misuse counted (a word popped from an empty FIFO, a MAC
// register that does not exist, a TX command that is not one segment).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include <ksock/drivers/lan9118.hpp>

namespace ksock_test {

struct fake_lan9118 {
    // --- what a test sets ---
    bool present = true;             //!< BYTE_TEST reads back right
    bool link = true;                //!< the cable (BMSR's link bit)
    std::uint32_t tx_free = 4608;    //!< TDFREE, bytes
    std::uint32_t rx_drop_count = 0; //!< RX_DROP (clears on read)

    // --- what a test reads ---
    std::vector<std::vector<unsigned char>> sent; //!< frames on the wire
    std::vector<std::uint32_t> sent_tags;
    unsigned long misuse = 0; //!< accesses a driver must not make
    unsigned long rx_words_read = 0;
    unsigned long resets = 0;
    unsigned long dumps = 0;

    std::uint32_t maccr = lan9118_mac_cr_reset;
    std::uint32_t addrh = 0xffff, addrl = 0xffffffff;
    std::uint32_t irqcfg = 0, inten = 0, intsts = 0, rxcfg = 0, txcfg = 0;
    std::uint32_t bmcr = 0x3000, advertise = 0x01e1, phy_int_mask = 0, phy_int_src = 0;

    static constexpr std::uint32_t lan9118_mac_cr_reset = 1u << 18; // PRMS

    //! A received frame: \p bytes and a FCS of 4 zero bytes in the data
    //! FIFO; the status says the real length unless \p status is given.
    void inject(const std::vector<unsigned char>& bytes, std::uint32_t status = 0,
                bool use_status = false) {
        const std::size_t len = bytes.size() + 4;
        std::vector<unsigned char> b = bytes;
        b.resize(len, 0);
        for (std::size_t i = 0; i < len; i += 4) {
            std::uint32_t w = 0;
            for (std::size_t k = 0; k < 4 && i + k < len; ++k)
                w |= static_cast<std::uint32_t>(b[i + k]) << (8 * k);
            rx_data.push_back(w);
        }
        rx_status.push_back(use_status ? status : static_cast<std::uint32_t>(len) << 16);
        intsts |= ksock::drivers::lan9118_reg::int_rsfl;
    }
    //! The PHY sees the cable come or go.
    void set_link(bool up) {
        link = up;
        phy_int_src |= up ? 0x40u : 0x10u;
        if (phy_int_src & phy_int_mask)
            intsts |= ksock::drivers::lan9118_reg::int_phy;
    }
    //! The interrupt line as an NVIC sees it (active high once the driver
    //! set IRQ_CFG's polarity and type; active low before).
    bool irq_line() const {
        using namespace ksock::drivers::lan9118_reg;
        bool level = (intsts & inten) != 0 && (irqcfg & irq_en) != 0;
        if ((irqcfg & (irq_pol | irq_type)) != (irq_pol | irq_type))
            level = !level;
        return level;
    }
    std::size_t rx_frames_queued() const { return rx_status.size(); }

    std::uint32_t read(std::uint32_t off) {
        using namespace ksock::drivers::lan9118_reg;
        if (off < 0x20)
            return pop_rx_word();
        switch (off) {
        case rx_status_fifo:
            return pop(rx_status);
        case tx_status_fifo:
            return pop(tx_status);
        case id_rev:
            return 0x01180001;
        case byte_test:
            return present ? byte_test_value : 0xffffffff;
        case irq_cfg:
            return irqcfg;
        case int_sts:
            return intsts;
        case int_en:
            return inten;
        case rx_cfg:
            return rxcfg;
        case tx_cfg:
            return txcfg;
        case hw_cfg:
            return hw_cfg_tx_fif_5k | hw_cfg_mbo;
        case pmt_ctrl:
            return pmt_ctrl_ready;
        case rx_fifo_inf:
            return static_cast<std::uint32_t>(rx_status.size()) << 16 |
                   static_cast<std::uint32_t>(rx_data.size() * 4);
        case tx_fifo_inf:
            return static_cast<std::uint32_t>(tx_status.size()) << 16 | (tx_free & 0xffff);
        case rx_drop: {
            const std::uint32_t n = rx_drop_count;
            rx_drop_count = 0;
            return n;
        }
        case mac_csr_cmd:
            return mac_cmd;
        case mac_csr_data:
            return mac_data;
        default:
            ++misuse;
            return 0;
        }
    }

    void write(std::uint32_t off, std::uint32_t v) {
        using namespace ksock::drivers::lan9118_reg;
        if (off >= 0x20 && off < 0x40) {
            push_tx_word(v);
            return;
        }
        switch (off) {
        case irq_cfg:
            irqcfg = v & (irq_en | irq_pol | irq_type);
            break;
        case int_sts:
            intsts &= ~v;
            break;
        case int_en:
            inten = v;
            break;
        case rx_cfg:
            if (v & rx_cfg_rx_dump) {
                rx_data.clear();
                rx_status.clear();
                ++dumps;
            }
            rxcfg = v & ~rx_cfg_rx_dump;
            break;
        case tx_cfg:
            txcfg = v;
            break;
        case hw_cfg:
            if (v & hw_cfg_srst)
                reset();
            break;
        case mac_csr_data:
            mac_data = v;
            break;
        case mac_csr_cmd:
            mac_cmd = v & ~mac_csr_busy; // done at once
            if (v & mac_csr_busy) {
                if (v & mac_csr_read)
                    mac_data = mac_read(v & 0xff);
                else
                    mac_write(v & 0xff, mac_data);
            }
            break;
        default:
            ++misuse;
            break;
        }
    }

private:
    std::deque<std::uint32_t> rx_data, rx_status, tx_status;
    std::uint32_t mac_cmd = 0, mac_data = 0, miiacc = 0, miidata = 0;
    // The TX command being assembled.
    int tx_state = 0; // 0: command A next, 1: command B next, 2: data
    std::uint32_t cmd_a = 0, cmd_b = 0, tx_left = 0;
    std::vector<unsigned char> tx_frame;

    std::uint32_t pop(std::deque<std::uint32_t>& q) {
        if (q.empty()) {
            ++misuse;
            return 0;
        }
        const std::uint32_t v = q.front();
        q.pop_front();
        return v;
    }
    std::uint32_t pop_rx_word() {
        ++rx_words_read;
        if (rx_data.empty())
            intsts |= ksock::drivers::lan9118_reg::int_rxe; // underflow, as the chip
        return pop(rx_data);
    }

    void reset() {
        // The wire, the test's settings and the counts survive a reset.
        fake_lan9118 fresh;
        fresh.present = present;
        fresh.link = link;
        fresh.tx_free = tx_free;
        fresh.rx_drop_count = rx_drop_count;
        fresh.sent = std::move(sent);
        fresh.sent_tags = std::move(sent_tags);
        fresh.misuse = misuse;
        fresh.rx_words_read = rx_words_read;
        fresh.resets = resets + 1;
        fresh.dumps = dumps;
        *this = std::move(fresh);
    }

    std::uint32_t mac_read(std::uint32_t idx) {
        using namespace ksock::drivers::lan9118_reg;
        switch (idx) {
        case mac_cr:
            return maccr;
        case mac_addrh:
            return addrh;
        case mac_addrl:
            return addrl;
        case mii_acc:
            return miiacc; // never busy
        case mii_data:
            return miidata;
        default:
            ++misuse;
            return 0;
        }
    }
    void mac_write(std::uint32_t idx, std::uint32_t v) {
        using namespace ksock::drivers::lan9118_reg;
        switch (idx) {
        case mac_cr:
            maccr = v;
            break;
        case mac_addrh:
            addrh = v & 0xffff;
            break;
        case mac_addrl:
            addrl = v;
            break;
        case mii_data:
            miidata = v & 0xffff;
            break;
        case mii_acc:
            miiacc = v & ~mii_busy;
            if (((v >> 11) & 0x1f) != phy_addr) { // nobody answers at another address
                miidata = 0xffff;
                break;
            }
            if (v & mii_write)
                phy_write((v >> 6) & 0x1f, miidata);
            else
                miidata = phy_read((v >> 6) & 0x1f);
            break;
        default:
            ++misuse;
            break;
        }
    }
    std::uint32_t phy_read(std::uint32_t reg) {
        switch (reg) {
        case 0:
            return bmcr;
        case 1:
            return 0x7809u | (link ? 0x0024u : 0u);
        case 4:
            return advertise;
        case 5:
            return link ? 0x45e1u : 0u;
        case 29: {
            const std::uint32_t v = phy_int_src;
            phy_int_src = 0;
            return v;
        }
        case 30:
            return phy_int_mask;
        default:
            ++misuse;
            return 0;
        }
    }
    void phy_write(std::uint32_t reg, std::uint32_t v) {
        switch (reg) {
        case 0:
            bmcr = (v & 0x8000) ? 0x3000u : (v & 0x7fffu);
            break;
        case 4:
            advertise = v & 0xffffu;
            break;
        case 30:
            phy_int_mask = v & 0xffu;
            break;
        default:
            ++misuse;
            break;
        }
    }

    void push_tx_word(std::uint32_t v) {
        using namespace ksock::drivers::lan9118_reg;
        switch (tx_state) {
        case 0:
            cmd_a = v;
            // One segment per frame, 4-byte alignment, no offset: what the
            // driver writes; anything else is a misuse here.
            if (!(v & tx_cmd_a_first) || !(v & tx_cmd_a_last) || (v & 0x031f0000))
                ++misuse;
            tx_left = v & 0x7ff;
            tx_frame.clear();
            tx_state = 1;
            break;
        case 1:
            cmd_b = v;
            if ((v & 0x7ff) != tx_left)
                ++misuse;
            tx_state = 2;
            if (tx_left == 0)
                finish_tx();
            break;
        default:
            for (int k = 0; k < 4 && tx_left; ++k, --tx_left)
                tx_frame.push_back(static_cast<unsigned char>(v >> (8 * k)));
            if (tx_left == 0)
                finish_tx();
            break;
        }
    }
    void finish_tx() {
        sent.push_back(tx_frame);
        sent_tags.push_back(cmd_b >> 16);
        tx_status.push_back(cmd_b & 0xffff0000u);
        tx_state = 0;
    }
};

//! The bus a driver under test is given: every access goes to the chip
//! the test set up (a default-constructible policy, as a stack's device is).
struct fake_lan9118_bus {
    static inline fake_lan9118* chip = nullptr;
    std::uint32_t read(std::uint32_t off) const { return chip->read(off); }
    void write(std::uint32_t off, std::uint32_t v) const { chip->write(off, v); }
};

} // namespace ksock_test
