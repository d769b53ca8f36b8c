/* bench/lwip_lean/lean_tcp.c: one lean lwIP host for the TCP benchmarks
 * (lean_tcp.h): an Ethernet netif whose linkoutput hands each frame to the
 * benchmark's link, frames from the link received as a NIC driver does
 * (a PBUF_POOL pbuf, the frame copied in, netif->input), and one TCP
 * connection driven through the raw API: tcp_write + tcp_output to send,
 * the recv callback queueing what arrives, tcp_recved when the benchmark
 * reads it. Built twice into the benchmark (bench/lwip_lean.cmake), so two
 * of these hosts talk to each other. */
#include "lean_tcp.h"

#include <string.h>

#include "lwip/api.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "netif/ethernet.h"

void lean_tcp_init(const uint8_t mac[6], uint32_t addr, uint32_t mask, lean_tcp_tx_fn tx,
                   void* user);
void lean_tcp_input(const void* frame, size_t len);
void lean_tcp_timer(void);
int lean_tcp_listen(uint16_t port);
int lean_tcp_connect(uint32_t addr, uint16_t port);
int lean_tcp_established(void);
void lean_tcp_nodelay(void);
long lean_tcp_send(const void* p, size_t n);
long lean_tcp_recv(void* p, size_t n);
void lean_tcp_get_sizes(struct lean_tcp_sizes* s);

static struct netif nif;
static lean_tcp_tx_fn link_tx;
static void* link_user;
static struct tcp_pcb* conn; /* the one connection */
static struct pbuf* rxq;     /* received, not yet read */
static int established;
static unsigned long ticks;

/* A flat copy of the frame for the link, as a NIC's DMA reads the chain. */
static err_t linkoutput(struct netif* n, struct pbuf* p) {
    unsigned char frame[1514];
    (void)n;
    if (p->tot_len > sizeof frame)
        return ERR_IF;
    pbuf_copy_partial(p, frame, p->tot_len, 0);
    return link_tx(link_user, frame, p->tot_len) ? ERR_MEM : ERR_OK;
}

static err_t netif_setup(struct netif* n) {
    n->name[0] = 'e';
    n->name[1] = 'n';
    n->mtu = 1500;
    n->hwaddr_len = ETH_HWADDR_LEN;
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    n->output = etharp_output;
    n->linkoutput = linkoutput;
    return ERR_OK;
}

void lean_tcp_init(const uint8_t mac[6], uint32_t addr, uint32_t mask, lean_tcp_tx_fn tx,
                   void* user) {
    ip4_addr_t a, m, gw;
    lwip_init();
    link_tx = tx;
    link_user = user;
    a.addr = addr;
    m.addr = mask;
    gw.addr = 0;
    memcpy(nif.hwaddr, mac, ETH_HWADDR_LEN);
    netif_add(&nif, &a, &m, &gw, NULL, netif_setup, ethernet_input);
    netif_set_default(&nif);
    netif_set_link_up(&nif);
    netif_set_up(&nif);
}

void lean_tcp_input(const void* frame, size_t len) {
    struct pbuf* p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (!p)
        return; /* dropped, as a driver drops with no buffer */
    pbuf_take(p, frame, (u16_t)len);
    if (nif.input(p, &nif) != ERR_OK)
        pbuf_free(p);
}

/* Called every millisecond: lwIP's TCP timer runs every TCP_TMR_INTERVAL
 * (250 ms) and ARP's every ARP_TMR_INTERVAL, as tcpip's timeouts would. */
void lean_tcp_timer(void) {
    ++ticks;
    if (ticks % TCP_TMR_INTERVAL == 0)
        tcp_tmr();
    if (ticks % ARP_TMR_INTERVAL == 0)
        etharp_tmr();
}

static err_t on_recv(void* arg, struct tcp_pcb* pcb, struct pbuf* p, err_t err) {
    (void)arg;
    (void)pcb;
    (void)err;
    if (!p) {
        established = 0;
        return ERR_OK;
    }
    if (rxq)
        pbuf_cat(rxq, p);
    else
        rxq = p;
    return ERR_OK;
}

static err_t on_accept(void* arg, struct tcp_pcb* pcb, err_t err) {
    (void)arg;
    if (err != ERR_OK || !pcb || conn)
        return ERR_VAL;
    conn = pcb;
    tcp_recv(pcb, on_recv);
    established = 1;
    return ERR_OK;
}

static err_t on_connected(void* arg, struct tcp_pcb* pcb, err_t err) {
    (void)arg;
    (void)pcb;
    established = err == ERR_OK;
    return ERR_OK;
}

int lean_tcp_listen(uint16_t port) {
    struct tcp_pcb* l = tcp_new();
    if (!l || tcp_bind(l, IP_ADDR_ANY, port) != ERR_OK)
        return -1;
    l = tcp_listen(l);
    if (!l)
        return -1;
    tcp_accept(l, on_accept);
    return 0;
}

int lean_tcp_connect(uint32_t addr, uint16_t port) {
    ip4_addr_t a;
    a.addr = addr;
    conn = tcp_new();
    if (!conn)
        return -1;
    tcp_recv(conn, on_recv);
    return tcp_connect(conn, &a, port, on_connected) == ERR_OK ? 0 : -1;
}

int lean_tcp_established(void) {
    return established;
}

void lean_tcp_nodelay(void) {
    tcp_nagle_disable(conn);
}

/* What fits the send buffer is copied in and handed to tcp_output: the
 * work of a non-blocking send(). */
long lean_tcp_send(const void* p, size_t n) {
    size_t room = tcp_sndbuf(conn);
    if (tcp_sndqueuelen(conn) >= TCP_SND_QUEUELEN)
        room = 0;
    if (n > room)
        n = room;
    if (n > 0xffff)
        n = 0xffff;
    if (!n)
        return 0;
    if (tcp_write(conn, p, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
        return 0;
    tcp_output(conn);
    return (long)n;
}

/* Copies what arrived out, frees it and opens the window by as much: the
 * work of a non-blocking recv(). */
long lean_tcp_recv(void* p, size_t n) {
    u16_t k;
    if (!rxq)
        return 0;
    if (n > rxq->tot_len)
        n = rxq->tot_len;
    k = pbuf_copy_partial(rxq, p, (u16_t)n, 0);
    rxq = k == rxq->tot_len ? (pbuf_free(rxq), (struct pbuf*)NULL) : pbuf_free_header(rxq, k);
    tcp_recved(conn, k);
    return k;
}

void lean_tcp_get_sizes(struct lean_tcp_sizes* s) {
    /* memp elements as the pools lay them out, and a PBUF_RAM as mem_malloc
     * takes it from the heap (its struct mem header and alignment). */
    s->tcp_pcb = LWIP_MEM_ALIGN_SIZE(sizeof(struct tcp_pcb));
    s->netconn = LWIP_MEM_ALIGN_SIZE(sizeof(struct netconn));
    s->socket = sizeof(struct lwip_sock);
    s->rx_pbuf = LWIP_MEM_ALIGN_SIZE(sizeof(struct pbuf)) + LWIP_MEM_ALIGN_SIZE(PBUF_POOL_BUFSIZE);
    s->tx_seg = LWIP_MEM_ALIGN_SIZE(sizeof(struct tcp_seg));
    s->tx_pbuf = LWIP_MEM_ALIGN_SIZE(2 * sizeof(mem_size_t) + 1) +
                 LWIP_MEM_ALIGN_SIZE(sizeof(struct pbuf)) +
                 LWIP_MEM_ALIGN_SIZE(PBUF_LINK_HLEN + PBUF_IP_HLEN + PBUF_TRANSPORT_HLEN + TCP_MSS);
    s->mss = TCP_MSS;
    s->wnd = TCP_WND;
    s->snd_buf = TCP_SND_BUF;
}
