// SPDX-License-Identifier: MIT
/*
 * Bare-metal RISC-V harness, built for riscv64 and for riscv32 from this one
 * source: lets QEMU's MMU, a translator written independently of ours,
 * translate every vector of the blob at VQ_RV_VECTORS_PA through the tables
 * the blob's satp (Sv39/Sv48/Sv57; Sv32 on riscv32) or hgatp (the G-stage
 * Sv39x4/Sv48x4/Sv57x4; Sv32x4 on riscv32) points at, and compares what happens
 * with the reference model's answer. Mismatches go to the 16550 UART; the
 * exit status (SiFive test finisher) is the mismatch count, capped at 250,
 * or 254 for a bad blob, 253 when the CPU refuses the satp or hgatp value.
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
 * G-stage (VQ_MODE_RV_G): hgatp holds the table, vsatp is 0 (the VS-stage is
 * Bare, so a guest virtual address is its guest physical address) and the
 * probes are the hypervisor's virtual-machine load and store, HLV.D and
 * HSV.D (HLV.W and HSV.W on RV32), which M-mode may run: they translate as a VS-mode access would, with
 * two-stage translation (Privileged ISA 20211203, 8.3.2 and 8.5; hstatus.SPVP
 * = 1 makes it a VS-mode access). Only the priv-read and priv-write probes
 * run, as the G-stage checks every access as a user access (8.5.1). The
 * expected "denied" is a guest-page fault (21 load, 23 store) with mtval =
 * the address and mtval2 = the guest physical address shifted right by 2
 * (8.4.3). (Seen on QEMU 7.2: MPRV with mstatus.MPV = 1, the other way to
 * make a VS-mode access from M-mode, walks hgatp's table as a single stage
 * and raises plain page faults, so that way is not used.)
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

/* One register's worth: 64 bits on riscv64, 32 on riscv32. */
typedef unsigned long xreg;

/* mstatus bits (Privileged ISA 20211203, 3.1.6; MPV 8.4.1). */
#define MSTATUS_MPP      (3UL << 11)
#define MSTATUS_MPP_U    (0UL << 11)
#define MSTATUS_MPP_S    (1UL << 11)
#define MSTATUS_MPRV     (1UL << 17)
#define MSTATUS_SUM      (1UL << 18)
#define HSTATUS_SPVP     (1UL << 8)
#if __riscv_xlen == 64
#define PROBE_LOAD  "ld"
#define PROBE_STORE "sd"
#define WINDOW_PA   VQ_RV_WINDOW_PA
#define WINDOW_LEN  VQ_RV_WINDOW_LEN
#else
#define PROBE_LOAD  "lw"
#define PROBE_STORE "sw"
#define WINDOW_PA   VQ_RV32_WINDOW_PA
#define WINDOW_LEN  VQ_RV32_WINDOW_LEN
#endif
/* mcause exception codes (3.1.15, 8.6.1). */
#define CAUSE_LOAD_PAGE_FAULT  13U
#define CAUSE_STORE_PAGE_FAULT 15U
#define CAUSE_LOAD_GUEST_PAGE_FAULT  21U
#define CAUSE_STORE_GUEST_PAGE_FAULT 23U
#define CAUSE_NONE             (~0UL)
/* pmpcfg: A = NAPOT, R, W, X (3.7.1). */
#define PMPCFG_NAPOT_RWX 0x1fU

void image_main(void); /* entered from start_rv.S */
void trap_entry(void);  /* start_rv.S */

/* What the trap handler saw; mscratch points here. */
struct trap_rec {
	xreg cause, tval, save;
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
static xreg probe(xreg va, xreg mode, bool store, xreg val)
{
	xreg mpp = MSTATUS_MPP, mprv = MSTATUS_MPRV;

	trap.cause = CAUSE_NONE;
	if (store)
		__asm__ volatile("csrc mstatus, %[mpp]\n\t"
				 "csrs mstatus, %[mode]\n\t"
				 "sfence.vma\n\t"
				 ".option push\n\t.option norvc\n\t"
				 PROBE_STORE " %[val], 0(%[va])\n\t"
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
				 PROBE_LOAD " %[val], 0(%[va])\n\t"
				 ".option pop\n\t"
				 "csrc mstatus, %[mprv]"
				 : [val] "+r"(val)
				 : [mpp] "r"(mpp), [mode] "r"(mode | MSTATUS_MPRV), [va] "r"(va),
				   [mprv] "r"(mprv)
				 : "memory");
	return val;
}

/*
 * One G-stage access: HLV.D/HSV.D on RV64, HLV.W/HSV.W on RV32 (by encoding,
 * funct7 0x36/0x37 and 0x34/0x35, so -march needs no H), after flushing the
 * G-stage TLB (HFENCE.GVMA). Returns the loaded value (@store false) or @val.
 */
#if __riscv_xlen == 64
#define HLV_FUNCT7 "0x36"
#define HSV_FUNCT7 "0x37"
#else
#define HLV_FUNCT7 "0x34"
#define HSV_FUNCT7 "0x35"
#endif
static xreg probe_g(xreg va, bool store, xreg val)
{
	trap.cause = CAUSE_NONE;
	if (store)
		__asm__ volatile(".word 0x62000073\n\t"
				 ".insn r 0x73, 4, " HSV_FUNCT7 ", x0, %[va], %[val]"
				 : : [va] "r"(va), [val] "r"(val) : "memory");
	else
		__asm__ volatile(".word 0x62000073\n\t"
				 ".insn r 0x73, 4, " HLV_FUNCT7 ", %[val], %[va], x0"
				 : [val] "+r"(val) : [va] "r"(va) : "memory");
	return val;
}

static const char *const op_name[4] = { "priv-read", "priv-write", "user-read", "user-write" };

static void report(const struct vq_vec *v, unsigned int op, const char *why, xreg got)
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

/* mtval2 (8.4.3), read only after a guest-page fault: images without H never get here. */
static xreg read_mtval2(void)
{
	xreg v;

	__asm__ volatile("csrr %0, 0x34b" : "=r"(v));
	return v;
}

static bool in_window(uint64_t pa)
{
	return pa >= WINDOW_PA && pa - WINDOW_PA < WINDOW_LEN;
}

static uint64_t tables_sum(uint32_t len)
{
	const volatile uint32_t *t = (const volatile uint32_t *)(uintptr_t)VQ_RV_TABLES_PA;
	uint64_t h = 0;

	for (uint32_t i = 0; i < len / 4U; i++)
		h = (h ^ t[i]) * UINT64_C(0x100000001b3) + i;
	return h;
}

/*
 * The input size that @mode's register value selects, or 0 when this image
 * cannot run it: satp MODE 8, 9, 10 (RV64, 4.1.11) or MODE bit 31 (RV32,
 * Sv32); hgatp the same codes with inputs two bits wider (8.2.10).
 */
static unsigned int ias_of(uint32_t mode, uint64_t reg)
{
#if __riscv_xlen == 64
	unsigned int m = (unsigned int)(reg >> 60);

	if (m < 8U || m > 10U || (mode != VQ_MODE_RV && mode != VQ_MODE_RV_G))
		return 0;
	return 39U + 9U * (m - 8U) + (mode == VQ_MODE_RV_G ? 2U : 0U);
#else
	if ((reg >> 31) != 1U || (mode != VQ_MODE_RV && mode != VQ_MODE_RV_G))
		return 0;
	return mode == VQ_MODE_RV_G ? 34U : 32U; /* Sv32x4 */
#endif
}

/*
 * The address an access to @da issues: satp modes sign-extend from bit
 * ias - 1. So does this harness for the G-stage, though the manual (8.5.1)
 * wants a guest physical address zero-extended (bits 63..ias clear): QEMU 7.2
 * checks a G-stage input as it checks a virtual address (seen: every guest
 * physical address with bit ias - 1 set and the bits above clear takes a
 * guest-page fault), so the upper half of a G-stage table is reached only
 * through the sign-extended form. The table is indexed by the low ias bits
 * either way. Inputs at and above 2^ias are left as they are (they fault).
 */
static xreg va_of(uint64_t da, unsigned int ias)
{
	if (ias >= 8U * sizeof(xreg) || (da >> ias) != 0U)
		return (xreg)da;
	return (xreg)((int64_t)(da << (64U - ias)) >> (64U - ias));
}

void image_main(void)
{
	const struct vq_header *h = (const struct vq_header *)(uintptr_t)VQ_RV_VECTORS_PA;
	const struct vq_vec *vec = (const struct vq_vec *)(h + 1);
	uint32_t mismatches = 0, ats = 0;
	unsigned int ias, nops;
	bool gstage;
	uint64_t sum0;
	xreg reg;

	if (h->magic != VQ_MAGIC || h->version != VQ_VERSION || h->count > VQ_MAX_VECS ||
	    (ias = ias_of(h->mode, h->regs[0])) == 0U) {
		bm_puts("vq: bad vector blob\n");
		finish(254);
	}
	gstage = h->mode == VQ_MODE_RV_G;
	nops = h->check_user != 0U && !gstage ? 4U : 2U;

	__asm__ volatile("csrw mtvec, %0" : : "r"((uintptr_t)trap_entry));
	__asm__ volatile("csrw mscratch, %0" : : "r"((uintptr_t)&trap));
	/* S and U accesses need a PMP entry (3.7.1): one NAPOT region covering everything. */
	__asm__ volatile("csrw pmpaddr0, %0" : : "r"(~0UL));
	__asm__ volatile("csrw pmpcfg0, %0" : : "r"((xreg)PMPCFG_NAPOT_RWX));

	/* Tag every word a vector expects to reach with its own address. */
	for (uint32_t i = 0; i < h->count; i++) {
		uint64_t pa = vec[i].pa & ~(uint64_t)(sizeof(xreg) - 1U);

		if (vec[i].expect != 0U && in_window(pa))
			*(volatile xreg *)(uintptr_t)pa = (xreg)pa;
	}
	sum0 = tables_sum(h->tables_len);

	/* satp and hgatp are WARL: a mode the CPU lacks leaves them unchanged (4.1.11, 8.2.10). */
	if (gstage)
		/* vsatp (0x280), hgatp (0x680), hfence.gvma zero, zero, hstatus (0x600): by
		 * number, so the image builds without the H extension in -march */
		__asm__ volatile("csrw 0x280, zero\n\tcsrw satp, zero\n\t"
				 "csrw 0x680, %1\n\tcsrr %0, 0x680\n\t.word 0x62000073\n\t"
				 "sfence.vma\n\tcsrs 0x600, %2"
				 : "=r"(reg) : "r"((xreg)h->regs[0]), "r"(HSTATUS_SPVP) : "memory");
	else
		__asm__ volatile("csrw satp, %1\n\tcsrr %0, satp\n\tsfence.vma"
				 : "=r"(reg) : "r"((xreg)h->regs[0]) : "memory");
	if (reg != (xreg)h->regs[0]) {
		bm_puts(gstage ? "vq: the CPU refused hgatp " : "vq: the CPU refused satp ");
		bm_puthex(h->regs[0]);
		bm_puts("\n");
		finish(253);
	}

	for (uint32_t i = 0; i < h->count; i++) {
		const struct vq_vec *v = &vec[i];
		const xreg va = va_of(v->va, ias) & ~(xreg)(sizeof(xreg) - 1U);
		xreg want = (xreg)v->pa & ~(xreg)(sizeof(xreg) - 1U);

		for (unsigned int op = 0; op < nops; op++) {
			xreg mode = op < 2U ? MSTATUS_MPP_S | MSTATUS_SUM : MSTATUS_MPP_U;
			bool store = (op & 1U) != 0U, ok = (v->expect & (1U << op)) != 0U;
			xreg got, fault = store ? CAUSE_STORE_PAGE_FAULT : CAUSE_LOAD_PAGE_FAULT;
			const char *why = NULL;

			if (gstage)
				fault = store ? CAUSE_STORE_GUEST_PAGE_FAULT :
						CAUSE_LOAD_GUEST_PAGE_FAULT;
			/* a store writes back what the load before it read */
			got = gstage ? probe_g(va, store, want) : probe(va, mode, store, want);
			if (!store && trap.cause == CAUSE_NONE)
				want = got;
			ats++;
			if (ok) {
				if (trap.cause != CAUSE_NONE)
					why = "faulted";
				else if (!store && got != ((xreg)v->pa & ~(xreg)(sizeof(xreg) - 1U)))
					why = "wrong output address";
			} else if (trap.cause == CAUSE_NONE) {
				why = "translated";
			} else if (trap.cause != fault || trap.tval != va) {
				why = "wrong fault";
			} else if (gstage && read_mtval2() != va >> 2) {
				why = "wrong mtval2";
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
