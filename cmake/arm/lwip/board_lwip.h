/* cmake/arm/lwip/board_lwip.h: the LAN9118 network interface (lan9118if.c)
 * of the board's lwIP firmware (board_echo_lwip.c). */
#ifndef KSOCK_BOARD_LWIP_H
#define KSOCK_BOARD_LWIP_H

#include <stdint.h>

#include "lwip/err.h"
#include "lwip/netif.h"

/* The mps2-an385's LAN9118 at 0x40200000 as an lwIP netif, in the shape of
 * ksock's drivers/lan9118.hpp: programmed I/O through the chip's FIFOs,
 * polled from the main loop; the interrupt handler only masks the chip and
 * marks work (lan9118if_irq). */
struct lan9118if_stats {
    unsigned long rx_frames, rx_errors, rx_dropped, tx_frames, tx_busy, tx_errors;
};
extern struct lan9118if_stats lan9118if_stats;
/* The interface itself: the driver's, as ksock's device state is the stack's. */
extern struct netif lan9118if_netif;

/* netif_add's init: resets and sets up the chip, MAC address from
 * netif->hwaddr (set before netif_add). ERR_IF when no LAN9118 answers. */
err_t lan9118if_init(struct netif* netif);
/* From the interrupt handler: masks the chip's interrupts, marks work. */
void lan9118if_irq(void);
/* Whether the interrupt marked work that lan9118if_poll has not taken. */
int lan9118if_ready(void);
/* From the main loop: takes up to `budget` received frames into
 * netif->input, the link state and the transmit statuses. */
int lan9118if_poll(struct netif* netif, int budget);

#endif
