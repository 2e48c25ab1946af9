// Outgoing webhooks (admins only): endpoints, their delivery log, replay and
// the test event. Thin: zod input, adminProcedure, one call into src/server/webhooks/.
import { z } from "zod";
import { adminProcedure, createTRPCRouter } from "@/server/api/trpc";
import { WEBHOOK_EVENT_HELP, WEBHOOK_EVENT_TYPES } from "@/server/webhooks/event-types";
import { createEndpoint, createEndpointInput, deleteEndpoint, endpointSecret, listEndpoints, rotateEndpointSecret, setEndpointEnabled, updateEndpoint, updateEndpointInput } from "@/server/webhooks/endpoints";
import { deliveryLogInput, listDeliveries, replayDelivery, sendTestEvent } from "@/server/webhooks/deliveries";

const byId = z.object({ id: z.uuid("Not a valid id.") });

export const webhooksRouter = createTRPCRouter({
  eventTypes: adminProcedure.query(() => WEBHOOK_EVENT_TYPES.map((type) => ({ type, help: WEBHOOK_EVENT_HELP[type] }))),
  list: adminProcedure.query(() => listEndpoints()),
  create: adminProcedure.input(createEndpointInput).mutation(({ ctx, input }) => createEndpoint(input, ctx.viewer.userId)),
  update: adminProcedure.input(updateEndpointInput).mutation(({ ctx, input }) => updateEndpoint(input, ctx.viewer.userId)),
  setEnabled: adminProcedure.input(byId.extend({ enabled: z.boolean() })).mutation(({ ctx, input }) => setEndpointEnabled(input.id, input.enabled, ctx.viewer.userId)),
  rotateSecret: adminProcedure.input(byId).mutation(({ ctx, input }) => rotateEndpointSecret(input.id, ctx.viewer.userId)),
  secret: adminProcedure.input(byId).query(({ input }) => endpointSecret(input.id)),
  delete: adminProcedure.input(byId).mutation(({ ctx, input }) => deleteEndpoint(input.id, ctx.viewer.userId)),
  deliveries: adminProcedure.input(deliveryLogInput).query(({ input }) => listDeliveries(input)),
  replay: adminProcedure.input(z.object({ deliveryId: z.uuid("Not a valid id.") })).mutation(({ ctx, input }) => replayDelivery(input.deliveryId, ctx.viewer.userId)),
  sendTest: adminProcedure.input(byId).mutation(({ input }) => sendTestEvent(input.id)),
});
