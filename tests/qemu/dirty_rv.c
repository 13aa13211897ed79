// SPDX-License-Identifier: MIT
/*
 * riscv64 harness of the dirty-tracking check (dirty_gen.c --arch riscv64):
 * QEMU 7.2's RISC-V MMU sets A and D in the leaf it walks when they are clear
 * (in hardware, as Svadu describes; 7.2 has no switch to turn that off). From
 * M-mode with mstatus.MPRV = 1 and MPP = S, each vector of the blob (struct
 * vqx_header / vqx_vec, x86/vectors_x86.h, shared with the x86 and aarch64
 * harnesses) is loaded, its signature checked when the output is checked
 * RAM, and stored back unless VQX_RONLY: a store faults (store page fault,
 * mcause 15, mtval = the address) exactly when VQX_W is clear. Then prints
 * the table arena as "PTE <offset> <value>" lines and the RESULT line, and
 * exits through the SiFive test finisher with min(mismatches, 250).
 *
 * M-mode itself runs untranslated, so the table maps only the test pages.
 * Layout (-m 2048, RAM 0x8000_0000..0x1_0000_0000): the harness at
 * 0x8000_0000 (harness_rv.ld, start_rv.S), the blob at RV_VECTORS_PA, the
 * arena at RV_TABLES_PA.
 */
#include <stdint.h>
#include "bm_common.h"
#include "x86/vectors_x86.h"

#define RV_VECTORS_PA 0x81000000U
#define RV_TABLES_PA  0x82000000U
#define UART_THR ((volatile uint8_t *)0x10000000U)
#define TEST_FINISHER ((volatile uint32_t *)0x100000U)
#define MSTATUS_MPP  (3UL << 11)
#define MSTATUS_MPP_S (1UL << 11)
#define MSTATUS_MPRV (1UL << 17)
#define CAUSE_STORE_PAGE_FAULT 15U
#define CAUSE_NONE (~0UL)

void image_main(void);
void trap_entry(void); /* start_rv.S: records cause and tval, skips the access */

/* mscratch points here (start_rv.S's layout) */
static volatile struct {
	unsigned long cause, tval, save;
} trap;
static unsigned int mismatches;

void bm_putc(char c)
{
	*UART_THR = (uint8_t)c;
}

static void __attribute__((noreturn)) finish(uint32_t code)
{
	*TEST_FINISHER = code == 0U ? 0x5555U : code << 16 | 0x3333U;
	for (;;)
		__asm__ volatile("wfi");
}

/* One S-mode access through satp (MPRV), after a TLB flush; 4-byte instructions only. */
static uint64_t probe(uint64_t va, int store, uint64_t val)
{
	unsigned long mpp = MSTATUS_MPP, mode = MSTATUS_MPP_S | MSTATUS_MPRV, mprv = MSTATUS_MPRV;

	trap.cause = CAUSE_NONE;
	if (store)
		__asm__ volatile("csrc mstatus, %[mpp]\n\tcsrs mstatus, %[mode]\n\tsfence.vma\n\t"
				 ".option push\n\t.option norvc\n\tsd %[val], 0(%[va])\n\t"
				 ".option pop\n\tcsrc mstatus, %[mprv]"
				 : : [mpp] "r"(mpp), [mode] "r"(mode), [va] "r"(va), [val] "r"(val),
				   [mprv] "r"(mprv) : "memory");
	else
		__asm__ volatile("csrc mstatus, %[mpp]\n\tcsrs mstatus, %[mode]\n\tsfence.vma\n\t"
				 ".option push\n\t.option norvc\n\tld %[val], 0(%[va])\n\t"
				 ".option pop\n\tcsrc mstatus, %[mprv]"
				 : [val] "+r"(val) : [mpp] "r"(mpp), [mode] "r"(mode), [va] "r"(va),
				   [mprv] "r"(mprv) : "memory");
	return val;
}

static void mismatch(uint32_t i, const struct vqx_vec *v, const char *what, uint64_t got)
{
	if (++mismatches <= 12U) {
		bm_report_vec(i, "va", v->va, v->pa, v->expect, what, got);
		bm_puts(" mcause ");
		bm_puthex(trap.cause);
		bm_puts(" mtval ");
		bm_puthex(trap.tval);
		bm_putc('\n');
	}
}

static unsigned int check(uint32_t i, const struct vqx_vec *v)
{
	uint64_t val = probe(v->va, 0, 0);
	int fault;

	if (trap.cause != CAUSE_NONE) {
		mismatch(i, v, "read faulted", 0);
		return 1;
	}
	if ((v->expect & VQX_DATA) != 0U && val != v->pa)
		mismatch(i, v, "read a different pa's data", val);
	if ((v->expect & VQX_RONLY) != 0U)
		return 1;
	(void)probe(v->va, 1, val);
	fault = trap.cause != CAUSE_NONE;
	if (fault != ((v->expect & VQX_W) == 0U))
		mismatch(i, v, fault ? "write faulted" : "write to a read-only page went through", 0);
	else if (fault && (trap.cause != CAUSE_STORE_PAGE_FAULT || trap.tval != v->va))
		mismatch(i, v, "write fault is no store page fault", 0);
	return 2;
}

void image_main(void)
{
	const struct vqx_header *h = (const struct vqx_header *)(uintptr_t)RV_VECTORS_PA;
	const struct vqx_vec *v = (const struct vqx_vec *)(h + 1);
	unsigned long satp;
	uint32_t ats = 0;

	if (h->magic != VQX_MAGIC || h->version != VQX_VERSION || h->count > 4096U) {
		bm_puts("bad vector blob\n");
		finish(254);
	}
	__asm__ volatile("csrw mtvec, %0" : : "r"((uintptr_t)trap_entry));
	__asm__ volatile("csrw mscratch, %0" : : "r"((uintptr_t)&trap));
	/* S-mode accesses need a PMP entry: one NAPOT region over everything */
	__asm__ volatile("csrw pmpaddr0, %0" : : "r"(~0UL));
	__asm__ volatile("csrw pmpcfg0, %0" : : "r"(0x1fUL));
	for (uint32_t i = 0; i < h->count; i++)
		if ((v[i].expect & VQX_DATA) != 0U)
			*(volatile uint64_t *)(uintptr_t)v[i].pa = v[i].pa;
	__asm__ volatile("csrw satp, %1\n\tcsrr %0, satp\n\tsfence.vma"
			 : "=r"(satp) : "r"((unsigned long)h->regs[0]) : "memory");
	if (satp != h->regs[0]) {
		bm_puts("the CPU refused satp\n");
		finish(253);
	}
	for (uint32_t i = 0; i < h->count; i++)
		ats += check(i, &v[i]);
	__asm__ volatile("csrw satp, zero\n\tsfence.vma" : : : "memory");
	bm_dump_entries(RV_TABLES_PA, h->dump_len);
	bm_result(h->count, ats, mismatches);
	finish(mismatches > 250U ? 250U : mismatches);
}
