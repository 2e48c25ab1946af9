// The /widget namespace's socket.io rooms: one per visitor (all its tabs) and
// one per customer (every visitor that speaks as that customer).
export const widgetRooms = {
  visitor: (inboxId: string, visitorId: string) => `visitor:${inboxId}:${visitorId}`,
  customer: (inboxId: string, customerId: string) => `wcust:${inboxId}:${customerId}`,
};
