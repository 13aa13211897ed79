set(VCM_PGTABLE_SOURCES pgtable.c pt_mem.c fmt_armv7s.c fmt_armv8.c)
# AMD IOMMU v1
list(APPEND VCM_PGTABLE_SOURCES fmt_amdv1.c)
set(VCM_PGTABLE_DEPS util platform)
# RISC-V Sv39/48/57 and their G-stage x4 forms; Sv32 and Sv32x4
list(APPEND VCM_PGTABLE_SOURCES fmt_riscv.c fmt_riscv32.c)
# x86-64 paging and Intel VT-d second stage
list(APPEND VCM_PGTABLE_SOURCES fmt_x86.c fmt_vtd.c)
# The format-neutral prot rules, shared with the graph's reservations
list(APPEND VCM_PGTABLE_SOURCES prot_check.c)
