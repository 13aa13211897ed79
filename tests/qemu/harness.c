// SPDX-License-Identifier: MIT
/*
 * Bare-metal harness: asks QEMU's MMU, an address translator written
 * independently of ours, to translate every vector of the blob at
 * VQ_VECTORS_PA through the tables at VQ_TABLES_PA, and compares its answer
 * (the PAR) with the reference model's. Mismatches go to the PL011 UART; the
 * exit status (semihosting) is the mismatch count, capped at 250, or 254 for a
 * bad blob.
 *
 * One source for both targets:
 *  - aarch64 (cortex-a57, started at EL2 by -machine virt,virtualization=on):
 *    programs the EL1&0 stage 1 registers or the stage 2 registers, or both
 *    for a nested blob (VQ_MODE_A64_NEST), and uses the AT instructions;
 *  - 32-bit Arm (cortex-a15, started in Hyp mode by the same option): programs
 *    the Non-secure PL1&0 short-descriptor registers and uses ATS1C**.
 * Both run with their own translation off (EL2 / Hyp regime), so the harness
 * needs no mapping of itself in the table under test.
 *
 * Not a goal: execute permissions, memory attributes, TLB maintenance
 * correctness (QEMU keeps no stale entries to catch), or Secure state.
 */
#include <stddef.h>
#include <stdint.h>
#include "bm_common.h"
#include "vectors.h"

#define UART_DR ((volatile uint32_t *)0x09000000U) /* PL011 data register */
#define MAX_REPORTS 40U

void image_main(void); /* entered from start_*.S; ends in semihost_exit() */
void semihost_exit(uint32_t code) __attribute__((noreturn)); /* start_*.S */

void bm_putc(char c)
{
	*UART_DR = (uint32_t)(unsigned char)c;
}

/*
 * PAR in its 64-bit (long-descriptor) form, which both targets report here:
 * AArch64 PAR_EL1 always, and the AArch32 PAR for ATS1C** executed in Hyp mode
 * (DDI 0406C.d B4.1.112: "the 64-bit format is used ... for an operation
 * performed in Hyp mode"). Bit 0 F; when F = 1, FST in bits[6:1] with the
 * long-descriptor fault codes (DDI 0487F.c D13.2 PAR_EL1; DDI 0406C.d
 * B3.13.3 Table B3-24): 0b0001LL translation, 0b0011LL permission. When F = 0
 * the output address in bits[47:12] (bits[39:12] on ARMv7).
 */
#define PAR_F        UINT64_C(0x1)
#define PAR_FST(p)   ((unsigned int)((p) >> 1) & 0x3fU)
#define PAR_PA       UINT64_C(0x0000fffffffff000)
#define FST_IS_XLAT(f) (((f) & 0x3cU) == 0x04U)
#define FST_IS_PERM(f) (((f) & 0x3cU) == 0x0cU)

/* The four operations; bit n of vq_vec.expect is operation n. */
static const char *const op_name[4] = { "priv-read", "priv-write", "user-read", "user-write" };

#if defined(__aarch64__)

#define HCR_EL2_VM  (UINT64_C(1) << 0)  /* DDI 0487F.c D13.2 HCR_EL2: stage 2 on */
#define HCR_EL2_RW  (UINT64_C(1) << 31) /* EL1 is AArch64 */
/* DDI 0487F.c D13.2 SCTLR_EL1: M = bit 0; bits 29, 28, 23, 22, 20, 11 are RES1 in ARMv8.0. */
#define SCTLR_EL1_RES1 UINT64_C(0x30d00800)
#define SCTLR_EL1_M    UINT64_C(0x1)

#define WSYS(reg, v) __asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(v)) : "memory")

static uint32_t expected_mode(void)
{
	return 0; /* either A64 mode */
}

static void mmu_setup(const struct vq_header *h)
{
	if (h->mode == VQ_MODE_A64_S1) {
		/* EL1&0 stage 1 only; AT S1E1* from EL2 walks it (C5.5, AT S1E1R). */
		WSYS(hcr_el2, HCR_EL2_RW);
		WSYS(tcr_el1, h->regs[0]);
		WSYS(mair_el1, h->regs[1]);
		WSYS(ttbr0_el1, h->regs[2]);
		WSYS(sctlr_el1, SCTLR_EL1_RES1 | SCTLR_EL1_M);
	} else {
		/* Stage 1 off, so the IPA is the VA; AT S12E1* gives stage 2's answer. */
		WSYS(sctlr_el1, SCTLR_EL1_RES1);
		WSYS(vtcr_el2, h->regs[0]);
		WSYS(vttbr_el2, h->regs[2]);
		WSYS(hcr_el2, HCR_EL2_RW | HCR_EL2_VM);
	}
	__asm__ volatile("isb\n\ttlbi alle1\n\ttlbi vmalls12e1\n\tdsb sy\n\tisb" : : : "memory");
}

static uint64_t at(uint32_t mode, unsigned int op, uint64_t va)
{
	uint64_t par;

	if (mode == VQ_MODE_A64_S2) {
		if (op == 0U)
			__asm__ volatile("at s12e1r, %0" : : "r"(va) : "memory");
		else
			__asm__ volatile("at s12e1w, %0" : : "r"(va) : "memory");
	} else {
		switch (op) {
		case 0:
			__asm__ volatile("at s1e1r, %0" : : "r"(va) : "memory");
			break;
		case 1:
			__asm__ volatile("at s1e1w, %0" : : "r"(va) : "memory");
			break;
		case 2:
			__asm__ volatile("at s1e0r, %0" : : "r"(va) : "memory");
			break;
		default:
			__asm__ volatile("at s1e0w, %0" : : "r"(va) : "memory");
			break;
		}
	}
	/* DDI 0487F.c C5.5 (AT): PAR_EL1 is updated for reads after a context synchronization. */
	__asm__ volatile("isb\n\tmrs %0, par_el1" : "=r"(par) : : "memory");
	return par;
}

/*
 * Nested: the guest's stage 1 and the host's stage 2 both on. AT S12E1* give
 * the composed answer, AT S1E1* stage 1's (its table walk still goes through
 * stage 2: DDI 0487F.c D5.2.x, the stage 2 translation of stage 1 walks).
 */
static void nest_setup(const struct vq_header *h, const struct vq_nest *n)
{
	WSYS(vtcr_el2, n->vtcr);
	WSYS(vttbr_el2, n->vttbr);
	WSYS(tcr_el1, h->regs[0]);
	WSYS(mair_el1, h->regs[1]);
	WSYS(ttbr0_el1, h->regs[2]);
	WSYS(sctlr_el1, SCTLR_EL1_RES1 | SCTLR_EL1_M);
	WSYS(hcr_el2, HCR_EL2_RW | HCR_EL2_VM);
	__asm__ volatile("isb\n\ttlbi alle1\n\ttlbi vmalls12e1\n\tdsb sy\n\tisb" : : : "memory");
}

static uint64_t nest_at(unsigned int op, uint64_t va)
{
	uint64_t par;

	switch (op) {
	case 0:
		__asm__ volatile("at s12e1r, %0" : : "r"(va) : "memory");
		break;
	case 1:
		__asm__ volatile("at s12e1w, %0" : : "r"(va) : "memory");
		break;
	case 2:
		__asm__ volatile("at s1e1r, %0" : : "r"(va) : "memory");
		break;
	default:
		__asm__ volatile("at s1e1w, %0" : : "r"(va) : "memory");
		break;
	}
	__asm__ volatile("isb\n\tmrs %0, par_el1" : "=r"(par) : : "memory");
	return par;
}

/* DDI 0487F.c D13.2 PAR_EL1 with F = 1: S (stage 2) is bit 9, PTW bit 8. */
#define PAR_S   (UINT64_C(1) << 9)
#define PAR_PTW (UINT64_C(1) << 8)

static const char *const nest_op_name[VQ_N_OPS] = { "s12e1r", "s12e1w", "s1e1r", "s1e1w" };

/* Why @par is not the answer @want (VQ_N_*) with output @out; NULL when it is. */
static const char *nest_check(uint64_t par, unsigned int want, uint64_t out)
{
	unsigned int fst = PAR_FST(par), cls = want & 3U;

	if (want == VQ_N_OK) {
		if ((par & PAR_F) != 0U)
			return "faulted";
		return (par & PAR_PA) != (out & PAR_PA) ? "wrong output address" : NULL;
	}
	if ((par & PAR_F) == 0U)
		return "translated";
	if ((cls == VQ_N_XLAT && !FST_IS_XLAT(fst)) || (cls == VQ_N_PERM && !FST_IS_PERM(fst)))
		return "wrong fault type";
	if ((want & VQ_N_HAS_LEVEL) != 0U && (fst & 3U) != VQ_N_LEVEL_OF(want))
		return "wrong fault level";
	if (((par & PAR_S) != 0U) != ((want & VQ_N_S2) != 0U))
		return "wrong stage (PAR.S)";
	if (((par & PAR_PTW) != 0U) != ((want & VQ_N_PTW) != 0U))
		return "wrong PAR.PTW";
	return NULL;
}

static void nest_run(const struct vq_header *h)
{
	const struct vq_nest *n = (const struct vq_nest *)(h + 1);
	const struct vq_nvec *vec = (const struct vq_nvec *)(n + 1);
	uint32_t mismatches = 0, ats = 0;

	nest_setup(h, n);
	for (uint32_t i = 0; i < h->count; i++) {
		const struct vq_nvec *v = &vec[i];

		for (unsigned int op = 0; op < VQ_N_OPS; op++) {
			unsigned int want = (v->res >> (8U * op)) & 0xffU;
			uint64_t par = nest_at(op, v->va);
			const char *why = nest_check(par, want, op < 2U ? v->pa : v->ipa);

			ats++;
			if (why == NULL)
				continue;
			if (mismatches < MAX_REPORTS) {
				bm_puts("MISMATCH va=");
				bm_puthex(v->va);
				bm_puts(" ");
				bm_puts(nest_op_name[op]);
				bm_puts(" want=");
				bm_puthex(want);
				bm_puts(" out=");
				bm_puthex(op < 2U ? v->pa : v->ipa);
				bm_puts(" got par=");
				bm_puthex(par);
				bm_puts(" (");
				bm_puts(why);
				bm_puts(")\n");
			}
			mismatches++;
		}
	}
	bm_result(h->count, ats, mismatches);
	semihost_exit(mismatches > 250U ? 250U : mismatches);
}

#else /* 32-bit Arm, Hyp mode */

/* DDI 0406C.d B4.1.130 SCTLR: M bit 0, TRE bit 28, AFE bit 29. */
#define SCTLR_M   (1U << 0)
#define SCTLR_TRE (1U << 28)
#define SCTLR_AFE (1U << 29)
/* B4.1.43 DACR: domain 0 = 0b01, client (permissions are checked). */
#define DACR_D0_CLIENT 0x1U

/*
 * TTBR1 walks for addresses above the TTBR0 range when TTBCR.N > 0; PD1 does
 * not exist without the Security Extensions (QEMU drops it then), so TTBR1
 * points at this empty first-level table instead (B3.5.4: 16 KiB aligned).
 */
static uint32_t ttbr1_table[4096] __attribute__((aligned(16384)));

static uint32_t expected_mode(void)
{
	return VQ_MODE_A32_S1;
}

static void mmu_setup(const struct vq_header *h)
{
	uint32_t sctlr;

	/* DDI 0406C.d B4.1 HCR: VM = 0, no stage 2 (it resets to 0; be explicit). */
	__asm__ volatile("mcr p15, 4, %0, c1, c1, 0" : : "r"(0U));
	__asm__ volatile("mcr p15, 0, %0, c3, c0, 0" : : "r"(DACR_D0_CLIENT));
	/* B4.1.153 TTBCR: EAE = 0 (short descriptor), N from the table. */
	__asm__ volatile("mcr p15, 0, %0, c2, c0, 2" : : "r"((uint32_t)h->regs[0]));
	__asm__ volatile("mcr p15, 0, %0, c2, c0, 0" : : "r"((uint32_t)h->regs[2]));
	__asm__ volatile("mcr p15, 0, %0, c2, c0, 1" : : "r"((uint32_t)(uintptr_t)ttbr1_table));
	__asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
	sctlr = (sctlr & ~(SCTLR_TRE | SCTLR_AFE)) | SCTLR_M;
	__asm__ volatile("mcr p15, 0, %0, c1, c0, 0" : : "r"(sctlr));
	/* DDI 0406C.d B4.2, TLB maintenance: TLBIALLNSNH, every Non-secure non-Hyp entry. */
	__asm__ volatile("isb\n\tmcr p15, 4, %0, c8, c7, 4\n\tdsb\n\tisb" : : "r"(0U) : "memory");
}

static uint64_t at(uint32_t mode, unsigned int op, uint64_t va)
{
	uint32_t v = (uint32_t)va;
	uint32_t lo, hi;

	(void)mode;
	/* DDI 0406C.d B4.2, address translation: ATS1CPR/CPW/CUR/CUW are c7, c8, opc2 0..3. */
	switch (op) {
	case 0:
		__asm__ volatile("mcr p15, 0, %0, c7, c8, 0" : : "r"(v) : "memory");
		break;
	case 1:
		__asm__ volatile("mcr p15, 0, %0, c7, c8, 1" : : "r"(v) : "memory");
		break;
	case 2:
		__asm__ volatile("mcr p15, 0, %0, c7, c8, 2" : : "r"(v) : "memory");
		break;
	default:
		__asm__ volatile("mcr p15, 0, %0, c7, c8, 3" : : "r"(v) : "memory");
		break;
	}
	/* B4.1.112: the 64-bit PAR is read with MRRC p15, 0, <Rt>, <Rt2>, c7. */
	__asm__ volatile("isb\n\tmrrc p15, 0, %0, %1, c7" : "=r"(lo), "=r"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

#endif

static void report(const struct vq_vec *v, unsigned int op, const char *why, uint64_t par)
{
	bm_report_op(v->va, op_name[op], (v->expect & (1U << op)) != 0U, v->pa,
		     v->expect == 0U ? "translation-fault" : "permission-fault");
	bm_puts(" got par=");
	bm_puthex(par);
	bm_puts(" (");
	bm_puts(why);
	bm_puts(")\n");
}

void image_main(void)
{
	const struct vq_header *h = (const struct vq_header *)(uintptr_t)VQ_VECTORS_PA;
	const struct vq_vec *vec = (const struct vq_vec *)(h + 1);
	uint32_t mismatches = 0, ats = 0;
	unsigned int nops;

#if defined(__aarch64__)
	if (h->magic == VQ_MAGIC && h->version == VQ_VERSION && h->mode == VQ_MODE_A64_NEST &&
	    h->count <= (VQ_VECTORS_MAX - sizeof(*h) - sizeof(struct vq_nest)) /
			 sizeof(struct vq_nvec))
		nest_run(h);
#endif
	if (h->magic != VQ_MAGIC || h->version != VQ_VERSION || h->count > VQ_MAX_VECS ||
	    (expected_mode() != 0U && h->mode != expected_mode()) ||
	    (expected_mode() == 0U && h->mode != VQ_MODE_A64_S1 && h->mode != VQ_MODE_A64_S2)) {
		bm_puts("vq: bad vector blob\n");
		semihost_exit(254);
	}
	nops = h->mode == VQ_MODE_A64_S2 || h->check_user == 0U ? 2U : 4U;
	mmu_setup(h);
	for (uint32_t i = 0; i < h->count; i++) {
		const struct vq_vec *v = &vec[i];

		for (unsigned int op = 0; op < nops; op++) {
			uint64_t par = at(h->mode, op, v->va);
			unsigned int fst = PAR_FST(par);
			const char *why = NULL;

			ats++;
			if ((v->expect & (1U << op)) != 0U) {
				if ((par & PAR_F) != 0U)
					why = "faulted";
				else if ((par & PAR_PA) != (v->pa & PAR_PA))
					why = "wrong output address";
			} else if ((par & PAR_F) == 0U) {
				why = "translated";
			} else if (v->expect == 0U ? !FST_IS_XLAT(fst) : !FST_IS_PERM(fst)) {
				why = "wrong fault type";
			}
			if (why != NULL) {
				if (mismatches < MAX_REPORTS)
					report(v, op, why, par);
				mismatches++;
			}
		}
	}
	bm_result(h->count, ats, mismatches);
	semihost_exit(mismatches > 250U ? 250U : mismatches);
}
