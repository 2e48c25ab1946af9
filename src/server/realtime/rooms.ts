// Room names. A customer's events are split by inbox so an agent's socket joins
// only the slices their teams may see; admins and supervisors join "all".
export const rooms = {
  customerAll: (customerId: string) => `cust:${customerId}:all`,
  customerInbox: (customerId: string, inboxId: string) => `cust:${customerId}:inbox:${inboxId}`,
  customerNoInbox: (customerId: string) => `cust:${customerId}:none`,
  conversation: (conversationId: string) => `conv:${conversationId}`,
  inbox: (inboxId: string) => `inbox:${inboxId}`,
  user: (userId: string) => `user:${userId}`,
  /** The sockets of one console session (ended by sign-out or an admin). */
  session: (sessionId: string) => `session:${sessionId}`,
  supervisors: () => "role:supervisors",
  allInboxes: () => "inbox:*",
};

/** Rooms that should receive an event of this customer (and inbox). */
export function customerEventRooms(customerId: string, inboxId: string | null | undefined): string[] {
  return inboxId
    ? [rooms.customerAll(customerId), rooms.customerInbox(customerId, inboxId)]
    : [rooms.customerAll(customerId), rooms.customerNoInbox(customerId)];
}
