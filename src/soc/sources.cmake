# The soc layer: a simulated SoC on hosted memory built from a description
# (include/vcm/soc.h); what rfc.h's default system and `vcm run` stand on.
set(VCM_SOC_SOURCES soc.c)
set(VCM_SOC_DEPS graph sim hosted)
