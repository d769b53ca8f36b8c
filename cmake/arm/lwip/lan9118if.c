/* cmake/arm/lwip/lan9118if.c: the LAN9118 of QEMU's mps2-an385 as an lwIP
 * network interface, in the shape of ksock's drivers/lan9118.hpp so that the
 * two firmwares compare stacks, not drivers: programmed I/O through the
 * chip's FIFOs, the same MAC and PHY set-up (what QEMU's model needs), the
 * interrupt handler only masking the chip and marking work, and the main
 * loop taking the frames (lan9118if_poll). Register facts are the chip's
 * (SMSC LAN9118 datasheet). */
#include <string.h>

#include "board_lwip.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#define LAN_BASE 0x40200000u
#define RX_DATA_FIFO 0x00u
#define TX_DATA_FIFO 0x20u
#define RX_STATUS_FIFO 0x40u
#define TX_STATUS_FIFO 0x48u
#define IRQ_CFG 0x54u
#define INT_STS 0x58u
#define INT_EN 0x5cu
#define BYTE_TEST 0x64u
#define RX_CFG 0x6cu
#define TX_CFG 0x70u
#define HW_CFG 0x74u
#define RX_FIFO_INF 0x7cu
#define TX_FIFO_INF 0x80u
#define PMT_CTRL 0x84u
#define RX_DROP 0xa0u
#define MAC_CSR_CMD 0xa4u
#define MAC_CSR_DATA 0xa8u

#define BYTE_TEST_VALUE 0x87654321u
#define IRQ_EN (1u << 8)
#define IRQ_POL (1u << 4)
#define IRQ_TYPE (1u << 0)
#define INT_PHY (1u << 18)
#define INT_RWT (1u << 15)
#define INT_RXE (1u << 14)
#define INT_TXE (1u << 13)
#define INT_RXDF (1u << 6)
#define INT_RSFL (1u << 3)
#define INT_MASK (INT_RSFL | INT_RXDF | INT_RXE | INT_TXE | INT_PHY)
#define HW_CFG_SRST (1u << 0)
#define HW_CFG_MBO (1u << 20)
#define HW_CFG_TX_FIF_5K (5u << 16)
#define PMT_CTRL_READY (1u << 0)
#define RX_CFG_RX_DUMP (1u << 15)
#define TX_CFG_TX_ON (1u << 1)
#define TX_CFG_TXSAO (1u << 2)
#define TX_CMD_A_FIRST (1u << 13)
#define TX_CMD_A_LAST (1u << 12)
#define TX_STS_ES (1u << 15)
#define RX_STS_ES (1u << 15)

#define MAC_CSR_BUSY (1u << 31)
#define MAC_CSR_READ (1u << 30)
#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MII_ACC 6u
#define MII_DATA 7u
#define MAC_CR_FDPX (1u << 20)
#define MAC_CR_MCPAS (1u << 19)
#define MAC_CR_TXEN (1u << 3)
#define MAC_CR_RXEN (1u << 2)

#define MII_BUSY (1u << 0)
#define MII_WRITE (1u << 1)
#define PHY_ADDR 1u
#define MII_BMCR 0u
#define MII_BMSR 1u
#define MII_ADVERTISE 4u
#define MII_LPA 5u
#define PHY_INT_SRC 29u
#define PHY_INT_MASK 30u
#define BMCR_RESET 0x8000u
#define BMCR_ANENABLE 0x1000u
#define BMCR_ANRESTART 0x0200u
#define BMSR_LSTATUS 0x0004u
#define ADVERTISE_ALL 0x01e1u
#define LPA_FULL_DUPLEX 0x0140u
#define PHY_INT_LINK 0x0050u

#define SPIN_LIMIT 100000
#define MAX_FRAME (SIZEOF_ETH_HDR + 1500)

struct netif lan9118if_netif;
struct lan9118if_stats lan9118if_stats;
static volatile int ready;

static uint32_t rd(uint32_t reg) {
    return *(volatile uint32_t*)(LAN_BASE + reg);
}
static void wr(uint32_t reg, uint32_t v) {
    *(volatile uint32_t*)(LAN_BASE + reg) = v;
}

static int wait_bit(uint32_t reg, uint32_t bit, int set) {
    for (int i = 0; i < SPIN_LIMIT; ++i)
        if (((rd(reg) & bit) != 0) == set)
            return 1;
    return 0;
}

static uint32_t mac_read(uint32_t idx) {
    wait_bit(MAC_CSR_CMD, MAC_CSR_BUSY, 0);
    wr(MAC_CSR_CMD, MAC_CSR_BUSY | MAC_CSR_READ | idx);
    wait_bit(MAC_CSR_CMD, MAC_CSR_BUSY, 0);
    return rd(MAC_CSR_DATA);
}
static void mac_write(uint32_t idx, uint32_t v) {
    wait_bit(MAC_CSR_CMD, MAC_CSR_BUSY, 0);
    wr(MAC_CSR_DATA, v);
    wr(MAC_CSR_CMD, MAC_CSR_BUSY | idx);
    wait_bit(MAC_CSR_CMD, MAC_CSR_BUSY, 0);
}
static void mii_wait(void) {
    for (int i = 0; i < SPIN_LIMIT && (mac_read(MII_ACC) & MII_BUSY); ++i) {
    }
}
static uint32_t mii_read(uint32_t reg) {
    mii_wait();
    mac_write(MII_ACC, PHY_ADDR << 11 | reg << 6 | MII_BUSY);
    mii_wait();
    return mac_read(MII_DATA) & 0xffffu;
}
static void mii_write(uint32_t reg, uint32_t v) {
    mii_wait();
    mac_write(MII_DATA, v);
    mac_write(MII_ACC, PHY_ADDR << 11 | reg << 6 | MII_WRITE | MII_BUSY);
    mii_wait();
}

/* The PHY's link into the netif, and the MAC's duplex to match it. */
static void update_link(struct netif* netif) {
    mii_read(PHY_INT_SRC); /* acknowledges the PHY's interrupt */
    mii_read(MII_BMSR);    /* the link bit latches low: the second read is now */
    const int link = (mii_read(MII_BMSR) & BMSR_LSTATUS) != 0;
    uint32_t cr = MAC_CR_TXEN | MAC_CR_RXEN | MAC_CR_MCPAS;
    if (mii_read(MII_LPA) & mii_read(MII_ADVERTISE) & LPA_FULL_DUPLEX)
        cr |= MAC_CR_FDPX;
    mac_write(MAC_CR, cr);
    if (link)
        netif_set_link_up(netif);
    else
        netif_set_link_down(netif);
}

/* One frame into the TX data FIFO: command words A and B, then the bytes of
 * every pbuf of the chain, packed into little-endian words. A full FIFO
 * answers ERR_MEM (lwIP drops the frame; TCP sends it again). */
static err_t lan9118if_linkoutput(struct netif* netif, struct pbuf* p) {
    (void)netif;
    const uint32_t len = p->tot_len;
    if (len == 0 || len > MAX_FRAME) {
        ++lan9118if_stats.tx_errors;
        return ERR_ARG;
    }
    if ((rd(TX_FIFO_INF) & 0xffffu) < 8 + ((len + 3) & ~3u)) {
        ++lan9118if_stats.tx_busy;
        return ERR_MEM;
    }
    static uint16_t tag;
    wr(TX_DATA_FIFO, TX_CMD_A_FIRST | TX_CMD_A_LAST | len);
    wr(TX_DATA_FIFO, (uint32_t)tag++ << 16 | len);
    uint32_t w = 0;
    unsigned k = 0;
    for (const struct pbuf* q = p; q; q = q->next) {
        const uint8_t* b = (const uint8_t*)q->payload;
        for (uint16_t i = 0; i < q->len; ++i) {
            w |= (uint32_t)b[i] << (8 * k);
            if (++k == 4) {
                wr(TX_DATA_FIFO, w);
                w = 0;
                k = 0;
            }
        }
    }
    if (k)
        wr(TX_DATA_FIFO, w);
    ++lan9118if_stats.tx_frames;
    return ERR_OK;
}

err_t lan9118if_init(struct netif* netif) {
    if (rd(BYTE_TEST) != BYTE_TEST_VALUE)
        return ERR_IF;
    wr(HW_CFG, HW_CFG_SRST);
    if (!wait_bit(HW_CFG, HW_CFG_SRST, 0) || !wait_bit(PMT_CTRL, PMT_CTRL_READY, 1))
        return ERR_TIMEOUT;
    wr(HW_CFG, HW_CFG_TX_FIF_5K | HW_CFG_MBO);
    wr(IRQ_CFG, IRQ_POL | IRQ_TYPE);
    wr(INT_EN, 0);
    wr(INT_STS, ~0u);

    mii_write(MII_BMCR, BMCR_RESET);
    for (int i = 0; i < SPIN_LIMIT && (mii_read(MII_BMCR) & BMCR_RESET); ++i) {
    }
    mii_write(MII_ADVERTISE, ADVERTISE_ALL);
    mii_write(PHY_INT_MASK, PHY_INT_LINK);
    mii_write(MII_BMCR, BMCR_ANENABLE | BMCR_ANRESTART);

    const uint8_t* mac = netif->hwaddr;
    mac_write(MAC_ADDRL, (uint32_t)mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 |
                             (uint32_t)mac[3] << 24);
    mac_write(MAC_ADDRH, (uint32_t)mac[4] | (uint32_t)mac[5] << 8);
    wr(RX_CFG, 0); /* 4-byte end alignment, no offset */
    wr(TX_CFG, TX_CFG_TX_ON | TX_CFG_TXSAO);

    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->hwaddr_len = ETH_HWADDR_LEN;
    netif->mtu = 1500;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->output = etharp_output;
    netif->linkoutput = lan9118if_linkoutput;
    update_link(netif);
    wr(IRQ_CFG, IRQ_EN | IRQ_POL | IRQ_TYPE);
    wr(INT_EN, INT_MASK);
    return ERR_OK;
}

void lan9118if_irq(void) {
    wr(INT_EN, 0);
    ready = 1;
}

int lan9118if_ready(void) {
    return ready;
}

static void drain(uint32_t words) {
    for (uint32_t i = 0; i < words; ++i)
        (void)rd(RX_DATA_FIFO);
}

/* One frame from the RX FIFOs into a pool pbuf chain, then netif->input.
 * The status word is hostile input: a length the data FIFO does not hold
 * dumps the FIFO, an error or an impossible length drains the frame. */
static void receive_one(struct netif* netif, uint32_t used) {
    const uint32_t st = rd(RX_STATUS_FIFO);
    const uint32_t len = (st >> 16) & 0x3fffu; /* FCS included */
    const uint32_t words = (len + 3) / 4;
    if (words * 4 > used) {
        wr(RX_CFG, RX_CFG_RX_DUMP);
        ++lan9118if_stats.rx_errors;
        return;
    }
    if ((st & RX_STS_ES) || len < SIZEOF_ETH_HDR + 4 || len - 4 > MAX_FRAME) {
        drain(words);
        ++lan9118if_stats.rx_errors;
        return;
    }
    const uint16_t frame_len = (uint16_t)(len - 4);
    struct pbuf* p = pbuf_alloc(PBUF_RAW, frame_len, PBUF_POOL);
    if (!p) {
        drain(words);
        ++lan9118if_stats.rx_dropped;
        return;
    }
    struct pbuf* q = p;
    uint16_t at = 0; /* offset in q */
    for (uint32_t i = 0, off = 0; i < words; ++i) {
        const uint32_t w = rd(RX_DATA_FIFO);
        for (unsigned k = 0; k < 4 && off < frame_len; ++k, ++off) {
            while (q && at == q->len) {
                q = q->next;
                at = 0;
            }
            if (q)
                ((uint8_t*)q->payload)[at++] = (uint8_t)(w >> (8 * k));
        }
    }
    ++lan9118if_stats.rx_frames;
    if (netif->input(p, netif) != ERR_OK)
        pbuf_free(p);
}

int lan9118if_poll(struct netif* netif, int budget) {
    ready = 0;
    const uint32_t sts = rd(INT_STS);
    wr(INT_STS, sts);
    if (sts & INT_PHY)
        update_link(netif);
    if (sts & (INT_RXE | INT_RWT))
        ++lan9118if_stats.rx_errors;
    if (sts & INT_TXE)
        ++lan9118if_stats.tx_errors;
    if (sts & INT_RXDF) /* frames the full FIFO lost (RX_DROP clears on read) */
        lan9118if_stats.rx_dropped += rd(RX_DROP) & 0xffffu;
    for (int i = 0; i < 512 && ((rd(TX_FIFO_INF) >> 16) & 0xffu); ++i)
        if (rd(TX_STATUS_FIFO) & TX_STS_ES)
            ++lan9118if_stats.tx_errors;
    int done = 0;
    while (done < budget) {
        const uint32_t inf = rd(RX_FIFO_INF);
        if (((inf >> 16) & 0xffu) == 0)
            break;
        ++done;
        receive_one(netif, inf & 0xffffu);
    }
    if (done < budget)
        wr(INT_EN, INT_MASK);
    else
        ready = 1; /* more to take */
    return done;
}
