// SPDX-License-Identifier: MIT
/*
 * aarch64 harness of the dirty-tracking check (dirty_gen.c --arch aarch64):
 * runs at EL1 on the table under test with TCR_EL1.HA|HD (FEAT_HAFDBS, which
 * QEMU 7.2's -cpu max has: ID_AA64MMFR1_EL1.HAFDBS = 2, printed first), then
 * for each vector of the blob (struct vqx_header / vqx_vec, vectors_x86.h,
 * shared with the x86 harness) loads the word, checks the signature when the
 * output is checked RAM, and stores it back unless the vector is VQX_RONLY:
 * a store faults (permission, ESR DFSC 0b0011xx) exactly when VQX_W is
 * clear. Then prints the table arena as "PTE <offset> <value>" lines, the
 * RESULT line, and exits through semihosting with min(mismatches, 250).
 *
 * Layout (-m 2048, RAM 0x4000_0000..0xc000_0000): the harness at
 * 0x4010_0000, the blob at A64_VECTORS_PA, signatures written before the MMU
 * is on; the generator maps the harness region onto itself (RW), the arena
 * read only, and the PL011 page.
 */
#include <stdint.h>
#include "bm_common.h"
#include "x86/vectors_x86.h"

#define A64_VECTORS_PA 0x41000000U
#define A64_TABLES_PA  0x42000000U
#define UART_DR ((volatile uint32_t *)0x09000000U)
#define SCTLR_EL1_RES1 UINT64_C(0x30d00800)
#define SCTLR_EL1_M    UINT64_C(1)
#define WSYS(reg, v) __asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(v)) : "memory")

void image_main(void);
void semihost_exit(uint32_t code) __attribute__((noreturn));
uint64_t a64_load(uint64_t va);
void a64_store(uint64_t va, uint64_t v);
void a64_unexpected(void) __attribute__((noreturn));

volatile uint32_t a64_fault;
volatile uint64_t a64_esr, a64_far;
static unsigned int mismatches;

void bm_putc(char c)
{
	*UART_DR = (uint32_t)(unsigned char)c;
}

void a64_unexpected(void)
{
	bm_puts("UNEXPECTED EXCEPTION\n");
	semihost_exit(250);
}

static void mismatch(uint32_t i, const struct vqx_vec *v, const char *what, uint64_t got)
{
	if (++mismatches <= 12U) {
		bm_report_vec(i, "va", v->va, v->pa, v->expect, what, got);
		bm_puts(" esr ");
		bm_puthex(a64_esr);
		bm_puts(" far ");
		bm_puthex(a64_far);
		bm_putc('\n');
	}
}

/* A permission fault at the vector's address (ESR ISS DFSC 0b0011xx, D13.2.40). */
static int perm_fault(const struct vqx_vec *v)
{
	return (a64_esr & 0x3cU) == 0x0cU && a64_far == v->va;
}

static unsigned int check(uint32_t i, const struct vqx_vec *v)
{
	uint64_t val = a64_load(v->va);

	if (a64_fault) {
		mismatch(i, v, "read faulted", 0);
		return 1;
	}
	if ((v->expect & VQX_DATA) != 0U && val != v->pa)
		mismatch(i, v, "read a different pa's data", val);
	if ((v->expect & VQX_RONLY) != 0U)
		return 1;
	a64_store(v->va, val);
	if (a64_fault != ((v->expect & VQX_W) == 0U))
		mismatch(i, v, a64_fault ? "write faulted" : "write to a read-only page went through",
			 0);
	else if (a64_fault && !perm_fault(v))
		mismatch(i, v, "write fault is no permission fault", 0);
	return 2;
}

void image_main(void)
{
	const struct vqx_header *h = (const struct vqx_header *)(uintptr_t)A64_VECTORS_PA;
	const struct vqx_vec *v = (const struct vqx_vec *)(h + 1);
	uint64_t mmfr1;
	uint32_t ats = 0;

	__asm__ volatile("mrs %0, id_aa64mmfr1_el1" : "=r"(mmfr1));
	bm_puts("ID_AA64MMFR1_EL1.HAFDBS ");
	bm_puthex(mmfr1 & 0xfU);
	bm_putc('\n');
	if (h->magic != VQX_MAGIC || h->version != VQX_VERSION || h->count > 4096U) {
		bm_puts("bad vector blob\n");
		semihost_exit(254);
	}
	for (uint32_t i = 0; i < h->count; i++)
		if ((v[i].expect & VQX_DATA) != 0U)
			*(volatile uint64_t *)(uintptr_t)v[i].pa = v[i].pa;
	/* regs as vcm_pt_hw() gives them for armv8 stage 1: TCR_EL1, MAIR_EL1, TTBR0_EL1 */
	WSYS(tcr_el1, h->regs[0]);
	WSYS(mair_el1, h->regs[1]);
	WSYS(ttbr0_el1, h->regs[2]);
	__asm__ volatile("dsb sy\n\ttlbi vmalle1\n\tdsb sy\n\tisb" : : : "memory");
	WSYS(sctlr_el1, SCTLR_EL1_RES1 | SCTLR_EL1_M);
	__asm__ volatile("isb" : : : "memory");
	for (uint32_t i = 0; i < h->count; i++)
		ats += check(i, &v[i]);
	bm_dump_entries(A64_TABLES_PA, h->dump_len);
	bm_result(h->count, ats, mismatches);
	semihost_exit(mismatches > 250U ? 250U : mismatches);
}
