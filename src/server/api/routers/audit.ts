// The audit log (admins only): filtered pages, the filters' choices, CSV export.
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { auditFacets, auditFilterSchema, auditPageSchema, exportAudit, listAudit } from "@/server/audit/log";

export const auditRouter = createTRPCRouter({
  list: adminProcedure.input(auditPageSchema).query(({ input }) => listAudit(input)),
  facets: adminProcedure.query(() => auditFacets()),
  export: adminProcedure.input(auditFilterSchema).mutation(({ input }) => exportAudit(input)),
});
