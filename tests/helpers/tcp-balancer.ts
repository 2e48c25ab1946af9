// A minimal TCP load balancer for failover tests: it stands where a real
// balancer (nginx, HAProxy, a cloud LB) stands in docs/deploy.md's topology.
// Each new connection goes to the first backend that accepts it, in order;
// a backend that refuses (its process is gone) is skipped — the same as a
// balancer's passive health check. Clients use websocket-only transport, so
// no stickiness is needed.
import net from "node:net";
import type { AddressInfo } from "node:net";

export type TcpBalancer = {
  url: string;
  /** How many connections each backend port received. */
  routed: Map<number, number>;
  close: () => Promise<void>;
};

export async function startTcpBalancer(backendPorts: number[]): Promise<TcpBalancer> {
  const routed = new Map<number, number>(backendPorts.map((p) => [p, 0]));
  const open = new Set<net.Socket>();

  const connectTo = (index: number, client: net.Socket) => {
    if (index >= backendPorts.length) return client.destroy();
    const port = backendPorts[index]!;
    const upstream = net.connect(port, "127.0.0.1");
    open.add(upstream);
    upstream.once("close", () => open.delete(upstream));
    let connected = false;
    upstream.once("connect", () => {
      connected = true;
      routed.set(port, (routed.get(port) ?? 0) + 1);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on("error", () => {
      if (!connected) return connectTo(index + 1, client);
      client.destroy();
    });
    upstream.on("close", () => connected && client.destroy());
    client.on("close", () => upstream.destroy());
  };

  const server = net.createServer((client) => {
    open.add(client);
    client.once("close", () => open.delete(client));
    client.on("error", () => client.destroy());
    client.pause();
    connectTo(0, client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routed,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
