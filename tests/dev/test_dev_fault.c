// SPDX-License-Identifier: MIT
/* The typed fault record's names and errno values, and the direct MMIO accessor. */
#include <errno.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <vcm/dev.h>
#include <vcm/mmio.h>

static void test_kinds(void **state)
{
	(void)state;
	assert_string_equal(vcm_fault_kind_name(VCM_FAULT_TRANSLATION), "translation");
	assert_string_equal(vcm_fault_kind_name(VCM_FAULT_PERMISSION), "permission");
	assert_string_equal(vcm_fault_kind_name(VCM_FAULT_ADDR_SIZE), "address size");
	assert_string_equal(vcm_fault_kind_name(VCM_FAULT_ACCESS_FLAG), "access flag");
	assert_string_equal(vcm_fault_kind_name(VCM_FAULT_EXTERNAL), "external");
	assert_string_equal(vcm_fault_kind_name(VCM_FAULT_CONFIG), "configuration");
	assert_string_equal(vcm_fault_kind_name((enum vcm_fault_kind)0), "?");
	assert_string_equal(vcm_fault_kind_name((enum vcm_fault_kind)99), "?");
	assert_int_equal(vcm_fault_errno(VCM_FAULT_TRANSLATION), -ENOENT);
	assert_int_equal(vcm_fault_errno(VCM_FAULT_PERMISSION), -EACCES);
	assert_int_equal(vcm_fault_errno(VCM_FAULT_ADDR_SIZE), -EFAULT);
	assert_int_equal(vcm_fault_errno(VCM_FAULT_EXTERNAL), -EFAULT);
}

static void test_mmio_direct(void **state)
{
	uint64_t regs[4] = { 0 };
	const struct vcm_mmio_ops *o = &vcm_mmio_direct;

	(void)state;
	o->write32(regs, 8, 0xdeadbeefU);
	assert_int_equal(o->read32(regs, 8), 0xdeadbeefU);
	o->write64(regs, 16, UINT64_C(0x0123456789abcdef));
	assert_true(o->read64(regs, 16) == UINT64_C(0x0123456789abcdef));
	assert_true(regs[2] == UINT64_C(0x0123456789abcdef));
	/* a 32-bit write touches its four bytes only */
	assert_int_equal(o->read32(regs, 12), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_mmio_direct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
