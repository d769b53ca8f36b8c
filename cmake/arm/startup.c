/* cmake/arm/startup.c - Cortex-M vector table for ksock's test images under QEMU.
 *
 * Reset goes to newlib's rdimon-crt0 `_start`, which asks the host for the heap
 * and stack (semihosting SYS_HEAPINFO), sets SP, zeroes .bss, sets up
 * semihosting stdio, runs the static constructors, calls main(argc, argv) and
 * exit(); QEMU then exits with main's return value. There is no clock set-up and
 * no .data copy: QEMU's ELF loader writes .data straight into RAM (link.ld).
 * This is a test harness for QEMU, not a startup file for real hardware.
 *
 * Any fault or unexpected exception prints a line and exits with status 125, so
 * a crashing test fails at once instead of hanging until the timeout. */
#include <stdint.h>

extern void _start(void);  /* newlib rdimon-crt0.o */
extern uint32_t __stack[]; /* link.ld: top of RAM */

static void semihost(uint32_t op, const void* arg) {
    register uint32_t r0 __asm__("r0") = op;
    register const void* r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
}

__attribute__((noreturn)) void ksock_fault_handler(void) {
    static const uint32_t block[2] = {0x20026u /* ADP_Stopped_ApplicationExit */, 125u};
    semihost(0x04 /* SYS_WRITE0 */, "\n*** Cortex-M fault / unexpected exception -> exit 125\n");
    semihost(0x20 /* SYS_EXIT_EXTENDED */, block);
    semihost(0x18 /* SYS_EXIT */, (const void*)0x20023u /* RunTimeErrorUnknown -> 1 */);
    for (;;) {
    }
}

#if defined(__ARM_FP)
/* Hard-float cores (Cortex-M4F): the FPU is off at reset and rdimon-crt0 does
 * not enable it, so the first VFP instruction would fault (NOCP UsageFault).
 * Grant full access to CP10/CP11 in CPACR, then continue into _start. */
__attribute__((naked, noreturn)) static void reset_enable_fpu(void) {
    __asm__ volatile("ldr r0, =0xE000ED88\n" /* SCB->CPACR */
                     "ldr r1, [r0]\n"
                     "orr r1, r1, #(0xF << 20)\n"
                     "str r1, [r0]\n"
                     "dsb\n"
                     "isb\n"
                     "b _start\n");
}
#define RESET_HANDLER reset_enable_fpu
#else
#define RESET_HANDLER _start
#endif

typedef void (*vector_t)(void);

/* Handlers a program may define (CMSIS names); unless it does, they are the
 * fault handler, as every other exception is. SysTick is a program's clock;
 * ETHERNET_IRQHandler is interrupt 13, the LAN9118 of mps2-an385 and
 * mps2-an386 (examples/board_echo.cpp). */
void SysTick_Handler(void) __attribute__((weak, alias("ksock_fault_handler")));
void ETHERNET_IRQHandler(void) __attribute__((weak, alias("ksock_fault_handler")));

#define KSOCK_EXTERNAL_IRQS 32 /* the mps2 boards' CMSDK interrupts 0-31 */

__attribute__((section(".vectors"), used)) const vector_t
    ksock_vector_table[16 + KSOCK_EXTERNAL_IRQS] = {
        (vector_t)(uintptr_t)__stack, /* 0: initial MSP (crt0 replaces it) */
        RESET_HANDLER,                /* 1: Reset */
        ksock_fault_handler,          /* 2: NMI */
        ksock_fault_handler,          /* 3: HardFault */
        ksock_fault_handler,          /* 4: MemManage */
        ksock_fault_handler,          /* 5: BusFault */
        ksock_fault_handler,          /* 6: UsageFault */
        0,                            /* 7: reserved */
        0,                            /* 8: reserved */
        0,                            /* 9: reserved */
        0,                            /* 10: reserved */
        ksock_fault_handler,          /* 11: SVCall */
        ksock_fault_handler,          /* 12: DebugMonitor */
        0,                            /* 13: reserved */
        ksock_fault_handler,          /* 14: PendSV */
        SysTick_Handler,              /* 15: SysTick */
        [16 ... 16 + KSOCK_EXTERNAL_IRQS - 1] = ksock_fault_handler,
        [16 + 13] = ETHERNET_IRQHandler, /* IRQ 13: Ethernet (LAN9118) */
};
