// SPDX-License-Identifier: MIT
/*
 * Bare-metal riscv64 harness: lets QEMU's MMU, a translator written
 * independently of ours, translate every vector of the blob at
 * VQ_RV_VECTORS_PA through the Sv39/Sv48/Sv57 tables the blob's satp points
 * at, and compares what happens with the reference model's answer.
 * Mismatches go to the 16550 UART; the exit status (SiFive test finisher) is
 * the mismatch count, capped at 250, or 254 for a bad blob, 253 when the CPU
 * refuses the satp mode.
 *
 * RISC-V has no translate instruction, so each vector is touched: from
 * M-mode with mstatus.MPRV = 1, loads and stores are translated and checked
 * with the privilege in mstatus.MPP (Privileged ISA 20211203, 3.1.6.3):
 *   priv-read / priv-write: MPP = S with SUM = 1 (S may touch U pages, as EL1
 *                           may touch EL0 pages in the Arm harness);
 *   user-read / user-write: MPP = U.
 * A fault traps to M-mode (start_rv.S records mcause and mtval and skips the
 * access): a page fault (13 load, 15 store) with mtval = the address is the
 * expected "denied"; anything else is a mismatch.
 *
 * Output addresses: before translating, the harness writes into every word
 * that a vector expects to reach (always in the tag window, vectors.h) that
 * word's own physical address. A translated load then returns the physical
 * address QEMU reached, compared with the model's. A store writes back the
 * value just loaded (or, when the load faulted, the expected tag), so a
 * correct run never changes memory.
 *
 * QEMU 7.2 can serve an MPRV access from a TLB entry the M-mode code itself
 * filled for the same page (seen: a vector at the harness's own rodata page
 * read physical memory), so each probe runs sfence.vma after setting MPRV:
 * the access always walks the tables.
 *
 * Tables: the table dump is checksummed before and after. QEMU sets A and D in
 * PTEs where they are clear; our leaves carry them already, so the tables
 * must not change.
 *
 * Not a goal: execute permission (fetches are not translated under MPRV),
 * memory types (QEMU ignores PBMT beyond checking it is allowed), TLB
 * maintenance.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bm_common.h"
#include "vectors.h"

#define UART_THR ((volatile uint8_t *)0x10000000U) /* ns16550a on virt */
#define TEST_FINISHER ((volatile uint32_t *)0x100000U)
#define FINISHER_PASS 0x5555U
#define FINISHER_FAIL 0x3333U /* exit code in bits 31:16 */
#define MAX_REPORTS 40U

/* mstatus bits (Privileged ISA 20211203, 3.1.6). */
#define MSTATUS_MPP      (UINT64_C(3) << 11)
#define MSTATUS_MPP_U    (UINT64_C(0) << 11)
#define MSTATUS_MPP_S    (UINT64_C(1) << 11)
#define MSTATUS_MPRV     (UINT64_C(1) << 17)
#define MSTATUS_SUM      (UINT64_C(1) << 18)
/* mcause exception codes (3.1.15). */
#define CAUSE_LOAD_PAGE_FAULT  13U
#define CAUSE_STORE_PAGE_FAULT 15U
#define CAUSE_NONE             (~UINT64_C(0))
/* pmpcfg: A = NAPOT, R, W, X (3.7.1). */
#define PMPCFG_NAPOT_RWX 0x1fU

void image_main(void); /* entered from start_rv.S */
void trap_entry(void);  /* start_rv.S */

/* What the trap handler saw; mscratch points here. */
struct trap_rec {
	uint64_t cause, tval, save;
};
static volatile struct trap_rec trap;

void bm_putc(char c)
{
	*UART_THR = (uint8_t)c;
}

static void __attribute__((noreturn)) finish(uint32_t code)
{
	*TEST_FINISHER = code == 0U ? FINISHER_PASS : code << 16 | FINISHER_FAIL;
	for (;;)
		__asm__ volatile("wfi");
}

/*
 * One translated access with MPRV = 1 and @mode (MPP and SUM), after a TLB
 * flush (see the top). Nothing between
 * setting and clearing MPRV touches memory but the access, which is 4 bytes
 * long (norvc) so the trap handler can step over it. Returns the loaded value
 * (@store false) or @val.
 */
static uint64_t probe(uint64_t va, uint64_t mode, bool store, uint64_t val)
{
	uint64_t mpp = MSTATUS_MPP, mprv = MSTATUS_MPRV;

	trap.cause = CAUSE_NONE;
	if (store)
		__asm__ volatile("csrc mstatus, %[mpp]\n\t"
				 "csrs mstatus, %[mode]\n\t"
				 "sfence.vma\n\t"
				 ".option push\n\t.option norvc\n\t"
				 "sd %[val], 0(%[va])\n\t"
				 ".option pop\n\t"
				 "csrc mstatus, %[mprv]"
				 :
				 : [mpp] "r"(mpp), [mode] "r"(mode | MSTATUS_MPRV), [va] "r"(va),
				   [val] "r"(val), [mprv] "r"(mprv)
				 : "memory");
	else
		__asm__ volatile("csrc mstatus, %[mpp]\n\t"
				 "csrs mstatus, %[mode]\n\t"
				 "sfence.vma\n\t"
				 ".option push\n\t.option norvc\n\t"
				 "ld %[val], 0(%[va])\n\t"
				 ".option pop\n\t"
				 "csrc mstatus, %[mprv]"
				 : [val] "+r"(val)
				 : [mpp] "r"(mpp), [mode] "r"(mode | MSTATUS_MPRV), [va] "r"(va),
				   [mprv] "r"(mprv)
				 : "memory");
	return val;
}

static const char *const op_name[4] = { "priv-read", "priv-write", "user-read", "user-write" };

static void report(const struct vq_vec *v, unsigned int op, const char *why, uint64_t got)
{
	bm_report_op(v->va, op_name[op], (v->expect & (1U << op)) != 0U, v->pa,
		     v->expect == 0U ? "unmapped" : "permission-fault");
	bm_puts(" got ");
	if (trap.cause != CAUSE_NONE) {
		bm_puts("mcause=");
		bm_puthex(trap.cause);
		bm_puts(" mtval=");
		bm_puthex(trap.tval);
	} else {
		bm_puts("value=");
		bm_puthex(got);
	}
	bm_puts(" (");
	bm_puts(why);
	bm_puts(")\n");
}

static bool in_window(uint64_t pa)
{
	return pa >= VQ_RV_WINDOW_PA && pa - VQ_RV_WINDOW_PA < VQ_RV_WINDOW_LEN;
}

static uint64_t tables_sum(uint32_t len)
{
	const volatile uint64_t *t = (const volatile uint64_t *)(uintptr_t)VQ_RV_TABLES_PA;
	uint64_t h = 0;

	for (uint32_t i = 0; i < len / 8U; i++)
		h = (h ^ t[i]) * UINT64_C(0x100000001b3) + i;
	return h;
}

void image_main(void)
{
	const struct vq_header *h = (const struct vq_header *)(uintptr_t)VQ_RV_VECTORS_PA;
	const struct vq_vec *vec = (const struct vq_vec *)(h + 1);
	uint32_t mismatches = 0, ats = 0;
	unsigned int ias, nops;
	uint64_t satp, sum0;

	if (h->magic != VQ_MAGIC || h->version != VQ_VERSION || h->mode != VQ_MODE_RV ||
	    h->count > VQ_MAX_VECS || (h->regs[0] >> 60) < 8U || (h->regs[0] >> 60) > 10U) {
		bm_puts("vq: bad vector blob\n");
		finish(254);
	}
	/* satp MODE 8, 9, 10: 39, 48, 57-bit virtual addresses (4.1.11) */
	ias = 39U + 9U * (unsigned int)((h->regs[0] >> 60) - 8U);
	nops = h->check_user != 0U ? 4U : 2U;

	__asm__ volatile("csrw mtvec, %0" : : "r"((uintptr_t)trap_entry));
	__asm__ volatile("csrw mscratch, %0" : : "r"((uintptr_t)&trap));
	/* S and U accesses need a PMP entry (3.7.1): one NAPOT region covering everything. */
	__asm__ volatile("csrw pmpaddr0, %0" : : "r"(~UINT64_C(0)));
	__asm__ volatile("csrw pmpcfg0, %0" : : "r"((uint64_t)PMPCFG_NAPOT_RWX));

	/* Tag every word a vector expects to reach with its own address. */
	for (uint32_t i = 0; i < h->count; i++) {
		uint64_t pa = vec[i].pa & ~UINT64_C(7);

		if (vec[i].expect != 0U && in_window(pa))
			*(volatile uint64_t *)(uintptr_t)pa = pa;
	}
	sum0 = tables_sum(h->tables_len);

	/* satp is WARL: a mode the CPU lacks leaves it unchanged (4.1.11). */
	__asm__ volatile("csrw satp, %1\n\tcsrr %0, satp\n\tsfence.vma"
			 : "=r"(satp) : "r"(h->regs[0]) : "memory");
	if (satp != h->regs[0]) {
		bm_puts("vq: the CPU refused satp ");
		bm_puthex(h->regs[0]);
		bm_puts("\n");
		finish(253);
	}

	for (uint32_t i = 0; i < h->count; i++) {
		const struct vq_vec *v = &vec[i];
		/* the address the CPU issues: da sign-extended from bit ias - 1 */
		uint64_t va = (uint64_t)((int64_t)(v->va << (64U - ias)) >> (64U - ias)) &
			      ~UINT64_C(7);
		uint64_t want = v->pa & ~UINT64_C(7);

		for (unsigned int op = 0; op < nops; op++) {
			uint64_t mode = op < 2U ? MSTATUS_MPP_S | MSTATUS_SUM : MSTATUS_MPP_U;
			bool store = (op & 1U) != 0U, ok = (v->expect & (1U << op)) != 0U;
			uint64_t got;
			const char *why = NULL;

			/* a store writes back what the load before it read */
			got = probe(va, mode, store, want);
			if (!store && trap.cause == CAUSE_NONE)
				want = got;
			ats++;
			if (ok) {
				if (trap.cause != CAUSE_NONE)
					why = "faulted";
				else if (!store && got != (v->pa & ~UINT64_C(7)))
					why = "wrong output address";
			} else if (trap.cause == CAUSE_NONE) {
				why = "translated";
			} else if (trap.cause != (store ? CAUSE_STORE_PAGE_FAULT :
							  CAUSE_LOAD_PAGE_FAULT) ||
				   trap.tval != va) {
				why = "wrong fault";
			}
			if (why != NULL) {
				if (mismatches < MAX_REPORTS)
					report(v, op, why, got);
				mismatches++;
			}
		}
	}
	__asm__ volatile("csrw satp, zero\n\tsfence.vma" : : : "memory");
	if (tables_sum(h->tables_len) != sum0) {
		bm_puts("MISMATCH the MMU wrote to the tables (A/D bits left clear?)\n");
		mismatches++;
	}
	bm_result(h->count, ats, mismatches);
	finish(mismatches > 250U ? 250U : mismatches);
}
