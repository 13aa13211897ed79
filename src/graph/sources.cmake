# The graph layer: VCMs, reservations, associations, backing, reverse map
# (docs/graph.md).
set(VCM_GRAPH_SOURCES
  handle.c tree.c sys.c dev.c dev_names.c vcm.c res.c mem.c assoc.c back.c ext.c ext_sort.c
  inst_map.c tlb.c attach.c one_to_one_check.c rmap.c clone.c migrate.c copy.c check.c
  mapper_pt.c mapper_one_to_one.c inst_plat.c dirty.c nest.c)
set(VCM_GRAPH_DEPS util platform dev pgtable vspace phys)
