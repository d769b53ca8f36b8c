// ksock/drivers/lan9118.hpp: a net_device for the SMSC LAN9118 / LAN9220
// Ethernet controller (drivers/net/ethernet/smsc/smsc911x.c's chip), as
// boards with it have it and as QEMU's `lan9118` model implements it (on
// mps2-an385 and mps2-an386: at 0x40200000, interrupt 13).
//
//   struct board_config : ksock::default_config {
//       using devices = ksock::type_list<ksock::drivers::loopback,
//                                        ksock::drivers::lan9118<>>;
//   };
//   extern "C" void ETH_IRQHandler() { stack.device<ksock::drivers::lan9118<>>().irq(); }
//   ... stack.dev_open(2); then stack.advance(ms) from the main loop.
//
// Programmed I/O: no DMA. Transmit writes the frame's two command words
// and its bytes into the TX data FIFO (one segment, first and last);
// receive pops a status word from the RX status FIFO and the frame's words
// from the RX data FIFO. The MAC's registers (MAC_CR, ADDRH/ADDRL, the MII
// access pair) are behind the MAC_CSR_CMD/MAC_CSR_DATA window; the
// internal PHY (address 1) behind MII_ACC/MII_DATA. open() resets the chip
// and the PHY, starts autonegotiation, writes the MAC address, enables the
// transmitter and the receiver; the carrier is the PHY's link status,
// read at open and again whenever the PHY interrupts.
//
// NAPI as smsc911x does it: the interrupt handler (irq()) masks the chip's
// interrupts and marks the device ready, nothing more; the stack's
// advance() calls poll, which takes at most `budget` frames, counts the
// transmit statuses and the PHY's news, and unmasks the interrupts once it
// has taken everything. start_xmit answers busy when the TX data FIFO has
// no room for the whole frame, so the stack keeps it queued: nothing is
// dropped for lack of room.
//
// The chip's word is not trusted: a status whose length is shorter than an
// Ethernet header or longer than the MTU allows, or longer than what the
// data FIFO holds, is a length (or FIFO) error and its words are drained
// (the FIFO is dumped when they are not there); a status with the error
// bit set is counted by its kind (CRC, length, frame) and drained.
//
// Bus is the register access (drivers/mmio32.hpp): mmio32<base> on a
// board; a host test's own policy over a register model.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ksock/drivers/mmio32.hpp>
#include <ksock/objects/netdev_features.hpp>
#include <ksock/objects/netdev_frame.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/registry/net_device.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/if_arp.hpp>
#include <ksock/uapi/if_ether.hpp>

namespace ksock::drivers {

//! The LAN9118's registers and bits (SMSC's datasheet names; the ones
//! smsc911x.h uses).
namespace lan9118_reg {
//! The system control and status registers: byte offsets from the chip's base.
//!@{
inline constexpr std::uint32_t rx_data_fifo = 0x00;
inline constexpr std::uint32_t tx_data_fifo = 0x20;
inline constexpr std::uint32_t rx_status_fifo = 0x40;
inline constexpr std::uint32_t tx_status_fifo = 0x48;
inline constexpr std::uint32_t id_rev = 0x50;
inline constexpr std::uint32_t irq_cfg = 0x54;
inline constexpr std::uint32_t int_sts = 0x58;
inline constexpr std::uint32_t int_en = 0x5c;
inline constexpr std::uint32_t byte_test = 0x64;
inline constexpr std::uint32_t rx_cfg = 0x6c;
inline constexpr std::uint32_t tx_cfg = 0x70;
inline constexpr std::uint32_t hw_cfg = 0x74;
inline constexpr std::uint32_t rx_fifo_inf = 0x7c;
inline constexpr std::uint32_t tx_fifo_inf = 0x80;
inline constexpr std::uint32_t pmt_ctrl = 0x84;
inline constexpr std::uint32_t rx_drop = 0xa0;
inline constexpr std::uint32_t mac_csr_cmd = 0xa4;
inline constexpr std::uint32_t mac_csr_data = 0xa8;
//!@}

//! What BYTE_TEST reads on a chip that is there.
inline constexpr std::uint32_t byte_test_value = 0x87654321;

//! IRQ_CFG bits: the interrupt line enabled (IRQ_EN), active high (IRQ_POL), push-pull (IRQ_TYPE).
//!@{
inline constexpr std::uint32_t irq_en = 1u << 8;
inline constexpr std::uint32_t irq_pol = 1u << 4;
inline constexpr std::uint32_t irq_type = 1u << 0;
//!@}

//! INT_STS / INT_EN bits, one layout for both: the PHY's interrupt (INT_PHY) and the events below.
//!@{
inline constexpr std::uint32_t int_phy = 1u << 18;
inline constexpr std::uint32_t int_rwt = 1u << 15;  //!< receive watchdog time-out
inline constexpr std::uint32_t int_rxe = 1u << 14;  //!< receiver error
inline constexpr std::uint32_t int_txe = 1u << 13;  //!< transmitter error
inline constexpr std::uint32_t int_tdfo = 1u << 10; //!< TX data FIFO overrun
inline constexpr std::uint32_t int_rxdf = 1u << 6;  //!< RX dropped frame
inline constexpr std::uint32_t int_rsfl = 1u << 3;  //!< RX status FIFO level
//!@}

//! HW_CFG's soft reset (SRST), must-be-one bit (MBO) and 5 KiB TX FIFO size; PMT_CTRL's READY;
//! RX_CFG's RX_DUMP (flush the RX FIFOs); TX_CFG's TX_ON.
//!@{
inline constexpr std::uint32_t hw_cfg_srst = 1u << 0;
inline constexpr std::uint32_t hw_cfg_mbo = 1u << 20;
inline constexpr std::uint32_t hw_cfg_tx_fif_5k = 5u << 16;
inline constexpr std::uint32_t pmt_ctrl_ready = 1u << 0;
inline constexpr std::uint32_t rx_cfg_rx_dump = 1u << 15;
inline constexpr std::uint32_t tx_cfg_tx_on = 1u << 1;
//!@}
inline constexpr std::uint32_t tx_cfg_txsao = 1u << 2; //!< status FIFO may overrun

//! TX command A's first-segment and last-segment bits: a frame goes as one segment.
//!@{
inline constexpr std::uint32_t tx_cmd_a_first = 1u << 13;
inline constexpr std::uint32_t tx_cmd_a_last = 1u << 12;
//!@}
//! TX status: the error summary (ES).
//!@{
inline constexpr std::uint32_t tx_sts_es = 1u << 15;
//!@}

//! RX status: the error summary (ES) and the errors the driver counts by kind: length error, runt
//! frame, frame too long, CRC error.
//!@{
inline constexpr std::uint32_t rx_sts_es = 1u << 15;
inline constexpr std::uint32_t rx_sts_length_err = 1u << 12;
inline constexpr std::uint32_t rx_sts_runt = 1u << 11;
inline constexpr std::uint32_t rx_sts_too_long = 1u << 7;
inline constexpr std::uint32_t rx_sts_crc_err = 1u << 1;
//!@}

//! MAC_CSR_CMD's busy and read bits, and the MAC registers behind it: MAC_CR, ADDRH and ADDRL (the
//! MAC address), MII_ACC and MII_DATA (the PHY's window).
//!@{
inline constexpr std::uint32_t mac_csr_busy = 1u << 31;
inline constexpr std::uint32_t mac_csr_read = 1u << 30;
inline constexpr std::uint32_t mac_cr = 1;
inline constexpr std::uint32_t mac_addrh = 2;
inline constexpr std::uint32_t mac_addrl = 3;
inline constexpr std::uint32_t mii_acc = 6;
inline constexpr std::uint32_t mii_data = 7;
//!@}

//! MAC_CR bits: full duplex (FDPX), pass all multicast (MCPAS), promiscuous (PRMS), transmitter and
//! receiver on (TXEN, RXEN).
//!@{
inline constexpr std::uint32_t mac_cr_fdpx = 1u << 20;
inline constexpr std::uint32_t mac_cr_mcpas = 1u << 19; //!< pass all multicast
inline constexpr std::uint32_t mac_cr_prms = 1u << 18;
inline constexpr std::uint32_t mac_cr_txen = 1u << 3;
inline constexpr std::uint32_t mac_cr_rxen = 1u << 2;
//!@}

//! MII_ACC bits: busy, and write (clear: read).
//!@{
inline constexpr std::uint32_t mii_busy = 1u << 0;
inline constexpr std::uint32_t mii_write = 1u << 1;
//!@}
inline constexpr std::uint32_t phy_addr = 1; //!< the internal PHY

//! The PHY's registers (IEEE 802.3 clause 22: BMCR, BMSR, ADVERTISE, LPA; SMSC's INT_SRC and
//! INT_MASK) and the bits the driver uses: reset, autonegotiation enable and restart, link status.
//!@{
inline constexpr std::uint32_t mii_bmcr = 0;
inline constexpr std::uint32_t mii_bmsr = 1;
inline constexpr std::uint32_t mii_advertise = 4;
inline constexpr std::uint32_t mii_lpa = 5;
inline constexpr std::uint32_t phy_int_src = 29;
inline constexpr std::uint32_t phy_int_mask = 30;
inline constexpr std::uint32_t bmcr_reset = 0x8000;
inline constexpr std::uint32_t bmcr_anenable = 0x1000;
inline constexpr std::uint32_t bmcr_anrestart = 0x0200;
inline constexpr std::uint32_t bmsr_lstatus = 0x0004;
//!@}
inline constexpr std::uint32_t advertise_all = 0x01e1;   //!< 10/100, half and full, CSMA
inline constexpr std::uint32_t lpa_full_duplex = 0x0140; //!< 100FULL | 10FULL
//! Link down and autonegotiation complete (SMSC's INT_SRC bits 4 and 6).
inline constexpr std::uint32_t phy_int_link = 0x0050;
} // namespace lan9118_reg

//! A net_device for the SMSC LAN9118 / LAN9220 (smsc911x's chip) on register bus \p Bus: programmed
//! I/O through its FIFOs, NAPI polling, the PHY's link as the carrier.
template <class Bus = mmio32<0x40200000>>
class lan9118 {
public:
    static constexpr const char* name = "eth0";          //!< the interface's name
    static constexpr unsigned short type = arphrd_ether; //!< an Ethernet device
    static constexpr unsigned mtu = 1500;                //!< Ethernet's MTU (ETH_DATA_LEN)
    //! ETH_HLEN: the stack builds the Ethernet header.
    static constexpr unsigned short hard_header_len = eth_hlen;
    static constexpr unsigned char addr_len = eth_alen; //!< a 6-byte MAC address
    //! smsc911x advertises no offloads: no scatter-gather, no checksums.
    static constexpr netdev_features_t features = 0;
    //! ether_setup's DEFAULT_TX_QUEUE_LEN.
    static constexpr unsigned tx_queue_len = 1000;
    //! The longest frame taken: the MTU and the Ethernet header (no FCS).
    static constexpr std::size_t max_frame = eth_hlen + mtu;

    //! What smsc911x charges for a received frame of \p len bytes on an
    //! x86-64 host (NET_IP_ALIGN 0, NET_SKB_PAD 64): netdev_alloc_skb of
    //! the frame's FIFO words, FCS included; __netdev_alloc_skb takes a
    //! small head from kmalloc, a larger one from a page fragment.
    static constexpr std::uint32_t rx_truesize(std::size_t len) noexcept {
        const auto words = static_cast<std::uint32_t>((len + 4 + 3) / 4);
        const std::uint32_t n = words * 4 + 64;
        if (n <= skb_small_head_size - skb_shinfo_size || n > 4096 - skb_shinfo_size)
            return skb_truesize(n, true);
        return ((n + 63) & ~63u) + skb_shinfo_size + skb_head_overhead;
    }

    lan9118() noexcept = default;
    lan9118(const lan9118&) = delete;
    lan9118& operator=(const lan9118&) = delete;

    //! The MAC address, written into the chip at open (set it before the
    //! stack's first call: the stack reads it when it registers the device).
    void set_mac(const unsigned char (&mac)[eth_alen]) noexcept {
        std::memcpy(mac_, mac, eth_alen);
        mac_set_ = true;
    }
    //! The address set, or 02:00:00:00:00:02 (locally administered).
    const unsigned char* dev_addr() const noexcept { return mac_set_ ? mac_ : default_mac; }

    //! ndo_open: reset, the PHY's autonegotiation, the MAC address, the
    //! receiver and transmitter on, the interrupts unmasked. -ENODEV when
    //! BYTE_TEST does not read back (no chip, or another one); -ETIMEDOUT
    //! when the reset does not finish.
    int open() noexcept {
        using namespace lan9118_reg;
        if (bus_.read(byte_test) != byte_test_value)
            return -enodev;
        bus_.write(hw_cfg, hw_cfg_srst);
        if (!wait_clear(hw_cfg, hw_cfg_srst) || !wait_set(pmt_ctrl, pmt_ctrl_ready))
            return -etimedout;
        bus_.write(hw_cfg, hw_cfg_tx_fif_5k | hw_cfg_mbo);
        // The line idle (low) while the chip is set up: IRQ_CFG's reset
        // value makes it active low, which an NVIC would see as raised.
        bus_.write(irq_cfg, irq_pol | irq_type);
        bus_.write(int_en, 0);
        bus_.write(int_sts, ~0u);

        mii_write_reg(mii_bmcr, bmcr_reset);
        for (int i = 0; i < spin_limit && (mii_read_reg(mii_bmcr) & bmcr_reset); ++i) {
        }
        mii_write_reg(mii_advertise, advertise_all);
        mii_write_reg(phy_int_mask, phy_int_link);
        mii_write_reg(mii_bmcr, bmcr_anenable | bmcr_anrestart);

        const unsigned char* mac = dev_addr();
        mac_write(mac_addrl, load_le32(mac));
        mac_write(mac_addrh, static_cast<std::uint32_t>(mac[4]) | static_cast<std::uint32_t>(mac[5])
                                                                      << 8);
        bus_.write(rx_cfg, 0); // 4-byte end alignment, no offset
        bus_.write(tx_cfg, tx_cfg_tx_on | tx_cfg_txsao);
        update_link();
        bus_.write(irq_cfg, irq_en | irq_pol | irq_type);
        bus_.write(int_en, irq_mask);
        return 0;
    }
    //! ndo_stop: the interrupts masked, the MAC's receiver and transmitter off.
    int stop() noexcept {
        using namespace lan9118_reg;
        bus_.write(int_en, 0);
        bus_.write(irq_cfg, irq_pol | irq_type); // disabled, the line low
        mac_write(mac_cr, 0);
        link_ = false;
        return 0;
    }
    //! The PHY's link status, read at open and on every PHY interrupt.
    bool carrier() const noexcept { return link_; }

    //! The interrupt handler: mask the chip's interrupts and note that
    //! poll has work (napi_schedule); nothing else runs in the handler.
    void irq() noexcept {
        bus_.write(lan9118_reg::int_en, 0);
        ready_.store(true, std::memory_order_release);
    }
    //! An interrupt came since the last poll: the main loop must not sleep.
    bool ready() const noexcept { return ready_.load(std::memory_order_acquire); }

    //! Write the frame into the TX data FIFO (command words, then the bytes); busy when the FIFO
    //! has no room for all of it.
    netdev_tx start_xmit(const netdev_frame& fr) noexcept {
        using namespace lan9118_reg;
        const std::size_t len = fr.len();
        if (len > max_frame || len == 0) { // never from the stack; not for the wire
            ++tx_errors;
            return netdev_tx::ok;
        }
        // TDFREE counts bytes; the frame takes its two command words and
        // its bytes rounded up to words.
        const std::uint32_t need = 8 + static_cast<std::uint32_t>((len + 3) & ~std::size_t{3});
        if ((bus_.read(tx_fifo_inf) & 0xffff) < need) {
            ++tx_busy;
            return netdev_tx::busy;
        }
        const auto n = static_cast<std::uint32_t>(len);
        bus_.write(tx_data_fifo, tx_cmd_a_first | tx_cmd_a_last | n);
        bus_.write(tx_data_fifo, (static_cast<std::uint32_t>(tx_tag_++) << 16) | n);
        std::uint32_t w = 0;
        unsigned k = 0;
        fr.for_each_run([&](const unsigned char* p, std::size_t m) {
            for (std::size_t i = 0; i < m; ++i) {
                if (k == 0 && m - i >= 4) { // a whole word from this run
                    bus_.write(tx_data_fifo, load_le32(p + i));
                    i += 3;
                    continue;
                }
                w |= static_cast<std::uint32_t>(p[i]) << (8 * k);
                if (++k == 4) {
                    bus_.write(tx_data_fifo, w);
                    w = 0;
                    k = 0;
                }
            }
        });
        if (k)
            bus_.write(tx_data_fifo, w);
        ++tx_frames;
        return netdev_tx::ok;
    }

    //! NAPI poll: the chip's news (PHY, transmit statuses, dropped frames),
    //! then up to \p budget received frames; the interrupts unmasked when
    //! fewer than \p budget were there (napi_complete_done).
    template <class Sink>
    int poll(Sink& sink, int budget) {
        using namespace lan9118_reg;
        ready_.store(false, std::memory_order_relaxed);
        const std::uint32_t sts = bus_.read(int_sts);
        bus_.write(int_sts, sts);
        if (sts & int_phy)
            update_link();
        if (sts & (int_rxe | int_rwt))
            ++rx_chip_errors;
        if (sts & int_txe)
            ++tx_errors;
        if (sts & int_rxdf) // frames the full FIFO lost (RX_DROP clears on read)
            for (std::uint32_t lost = bus_.read(rx_drop) & 0xffff; lost; --lost)
                sink.rx_error(netdev_rx_error::missed);
        reap_tx_status();
        int done = 0;
        while (done < budget) {
            const std::uint32_t inf = bus_.read(rx_fifo_inf);
            if (((inf >> 16) & 0xff) == 0)
                break;
            ++done;
            receive_one(sink, inf & 0xffff);
        }
        if (done < budget)
            bus_.write(int_en, irq_mask);
        else
            ready_.store(true, std::memory_order_relaxed); // more to take
        return done;
    }

    //! The driver's own counts (`ethtool -S`): frames written into the TX FIFO, offers refused for
    //! room, transmit errors (TX status or the chip's TXE, a frame the stack should never give),
    //! the chip's receiver errors (RXE, RWT), FIFO dumps after a status that did not match the data
    //! FIFO.
    //!@{
    unsigned long tx_frames = 0;
    unsigned long tx_busy = 0;
    unsigned long tx_errors = 0;
    unsigned long rx_chip_errors = 0;
    unsigned long rx_dumps = 0;
    //!@}

private:
    static constexpr int spin_limit = 100000;
    static constexpr std::uint32_t irq_mask = lan9118_reg::int_rsfl | lan9118_reg::int_rxdf |
                                              lan9118_reg::int_rxe | lan9118_reg::int_txe |
                                              lan9118_reg::int_phy;

    static std::uint32_t load_le32(const unsigned char* p) noexcept {
        return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
               static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
    }

    bool wait_clear(std::uint32_t reg, std::uint32_t bit) noexcept {
        for (int i = 0; i < spin_limit; ++i)
            if (!(bus_.read(reg) & bit))
                return true;
        return false;
    }
    bool wait_set(std::uint32_t reg, std::uint32_t bit) noexcept {
        for (int i = 0; i < spin_limit; ++i)
            if (bus_.read(reg) & bit)
                return true;
        return false;
    }

    // The MAC's registers, through the CSR window.
    std::uint32_t mac_read(std::uint32_t idx) noexcept {
        using namespace lan9118_reg;
        wait_clear(mac_csr_cmd, mac_csr_busy);
        bus_.write(mac_csr_cmd, mac_csr_busy | mac_csr_read | idx);
        wait_clear(mac_csr_cmd, mac_csr_busy);
        return bus_.read(mac_csr_data);
    }
    void mac_write(std::uint32_t idx, std::uint32_t v) noexcept {
        using namespace lan9118_reg;
        wait_clear(mac_csr_cmd, mac_csr_busy);
        bus_.write(mac_csr_data, v);
        bus_.write(mac_csr_cmd, mac_csr_busy | idx);
        wait_clear(mac_csr_cmd, mac_csr_busy);
    }
    // The PHY's registers, through the MAC's MII pair.
    bool mii_wait() noexcept {
        for (int i = 0; i < spin_limit; ++i)
            if (!(mac_read(lan9118_reg::mii_acc) & lan9118_reg::mii_busy))
                return true;
        return false;
    }
    std::uint32_t mii_read_reg(std::uint32_t reg) noexcept {
        using namespace lan9118_reg;
        mii_wait();
        mac_write(mii_acc, phy_addr << 11 | reg << 6 | mii_busy);
        mii_wait();
        return mac_read(mii_data) & 0xffff;
    }
    void mii_write_reg(std::uint32_t reg, std::uint32_t v) noexcept {
        using namespace lan9118_reg;
        mii_wait();
        mac_write(mii_data, v);
        mac_write(mii_acc, phy_addr << 11 | reg << 6 | mii_write | mii_busy);
        mii_wait();
    }

    //! The PHY's link (BMSR's link bit latches low: the second read is
    //! now), and the MAC's duplex from what both ends advertise.
    void update_link() noexcept {
        using namespace lan9118_reg;
        mii_read_reg(phy_int_src); // acknowledges the PHY's interrupt
        mii_read_reg(mii_bmsr);
        link_ = (mii_read_reg(mii_bmsr) & bmsr_lstatus) != 0;
        // Every multicast frame goes up (the stack has no ndo_set_rx_mode
        // to program the hash filter with: it keeps the groups it joined).
        std::uint32_t cr = mac_cr_txen | mac_cr_rxen | mac_cr_mcpas;
        if (mii_read_reg(mii_lpa) & mii_read_reg(mii_advertise) & lpa_full_duplex)
            cr |= mac_cr_fdpx;
        mac_write(mac_cr, cr);
    }

    //! The TX status FIFO: each status read, its error bit counted (at
    //! most the FIFO's 512 entries: a chip that always says more is not
    //! believed forever).
    void reap_tx_status() noexcept {
        using namespace lan9118_reg;
        for (int i = 0; i < 512 && ((bus_.read(tx_fifo_inf) >> 16) & 0xff); ++i)
            if (bus_.read(tx_status_fifo) & tx_sts_es)
                ++tx_errors;
    }

    //! Pop \p words words of the RX data FIFO unread.
    void drain(std::uint32_t words) noexcept {
        for (std::uint32_t i = 0; i < words; ++i)
            (void)bus_.read(lan9118_reg::rx_data_fifo);
    }

    //! One frame: its status, then its words; \p used is RXDUSED, the data
    //! FIFO's bytes (the whole frame is there before its status is).
    template <class Sink>
    void receive_one(Sink& sink, std::uint32_t used) {
        using namespace lan9118_reg;
        const std::uint32_t st = bus_.read(rx_status_fifo);
        const std::uint32_t len = (st >> 16) & 0x3fff; // FCS included
        const std::uint32_t words = (len + 3) / 4;
        if (words * 4 > used) { // a status the data FIFO does not back
            bus_.write(rx_cfg, rx_cfg_rx_dump);
            ++rx_dumps;
            sink.rx_error(netdev_rx_error::fifo);
            return;
        }
        if (st & rx_sts_es) {
            drain(words);
            sink.rx_error((st & rx_sts_crc_err) ? netdev_rx_error::crc
                          : (st & (rx_sts_length_err | rx_sts_runt | rx_sts_too_long))
                              ? netdev_rx_error::length
                              : netdev_rx_error::frame);
            return;
        }
        if (len < eth_hlen + 4 || len - 4 > max_frame) {
            drain(words);
            sink.rx_error(netdev_rx_error::length);
            return;
        }
        const std::size_t frame_len = len - 4;
        sk_buff* skb = sink.alloc(frame_len);
        if (!skb) { // the stack's pool is out; it counted rx_dropped
            drain(words);
            return;
        }
        unsigned char chunk[64];
        std::size_t off = 0;
        std::uint32_t left = words;
        while (left) {
            std::size_t k = 0;
            for (; k < sizeof chunk && left; k += 4, --left) {
                const std::uint32_t w = bus_.read(rx_data_fifo);
                chunk[k] = static_cast<unsigned char>(w);
                chunk[k + 1] = static_cast<unsigned char>(w >> 8);
                chunk[k + 2] = static_cast<unsigned char>(w >> 16);
                chunk[k + 3] = static_cast<unsigned char>(w >> 24);
            }
            if (off < frame_len)
                skb_store_bits(skb, off, chunk, frame_len - off < k ? frame_len - off : k);
            off += k;
        }
        sink.receive(skb);
    }

    [[no_unique_address]] Bus bus_{};
    bool link_ = false;
    std::atomic<bool> ready_{false};
    std::uint16_t tx_tag_ = 0;
    // All zero until set: a driver in a constinit stack keeps the whole
    // stack in .bss (one non-zero byte would move it into .data).
    bool mac_set_ = false;
    unsigned char mac_[eth_alen] = {};
    static constexpr unsigned char default_mac[eth_alen] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
};

static_assert(net_device<lan9118<>>, "ksock::drivers::lan9118 must be a ksock::net_device");

} // namespace ksock::drivers
