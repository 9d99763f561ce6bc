// Registered devices (admin only): list, label, review (keep or accept a pending claim), remove, and
// Apple's bulk-upload file.
import type { FastifyInstance } from 'fastify';
import { allowedFirst, authenticate } from '../../auth.js';
import type { ServerDeps } from '../../deps.js';
import { jsonObject } from './body.js';
import * as S from '../../schemas/devices.js';

export async function deviceRoutes(app: FastifyInstance, { services }: ServerDeps): Promise<void> {
  app.get('/api/v1/devices', { schema: S.listDevices }, async (request, reply) => {
    const principal = await authenticate(request, services);
    return reply.header('Cache-Control', 'no-store').send({ items: await services.devices.list(principal) });
  });

  // Paste or upload into the Apple Developer portal (Devices › Register Multiple Devices).
  app.get('/api/v1/devices.txt', { schema: S.deviceList }, async (request, reply) => {
    const principal = await authenticate(request, services);
    const text = await services.devices.appleDeviceList(principal);
    return reply
      .type('text/plain; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="devices.txt"')
      .header('Cache-Control', 'no-store')
      .send(text);
  });

  app.patch<{ Params: { id: string } }>('/api/v1/devices/:id', { schema: S.updateDevice, config: { audit: { action: 'device.update', target: { type: 'device', id: 'params.id' }, details: ['body.label', 'body.review'] } }, preValidation: allowedFirst(services, 'device:manage') }, async (request) => {
    const principal = await authenticate(request, services);
    const body = jsonObject(request.body, ['label', 'review']);
    // label: the admin's name for it; review: "keep" the stored facts or "accept" the pending claim.
    if (!('review' in body)) return services.devices.setLabel(principal, request.params.id, body.label ?? null);
    if ('label' in body) await services.devices.setLabel(principal, request.params.id, body.label ?? null);
    return services.devices.review(principal, request.params.id, body.review);
  });

  app.delete<{ Params: { id: string } }>('/api/v1/devices/:id', { schema: S.deleteDevice, config: { audit: { action: 'device.delete', target: { type: 'device', id: 'params.id' } } } }, async (request, reply) => {
    const principal = await authenticate(request, services);
    await services.devices.delete(principal, request.params.id);
    return reply.code(204).send();
  });
}
