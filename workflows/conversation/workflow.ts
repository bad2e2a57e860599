import type { UpdateDefinition } from '@temporalio/common';
import { allHandlersFinished, condition, continueAsNew, patched, setHandler, sleep } from '@temporalio/workflow';
import type { Actor } from '../../domain/conversation-machine.js';
import {
  type AgentStart,
  acceptUpdate,
  agentsAvailableSignal,
  assignUpdate,
  type ConversationInput,
  closeUpdate,
  endUpdate,
  forceCloseUpdate,
  inboundSignal,
  noteUpdate,
  pickUpdate,
  rejectUpdate,
  sendUpdate,
  startByAgentUpdate,
  stateQuery,
  transferUpdate,
  waitUpdate,
} from '../definitions.js';
import { FifoLock, Lock } from '../lock.js';
import { Conversation } from './conversation.js';
import { guard, toFailure } from './failures.js';

/*
 * The conversation workflow: wiring only. Conversation (conversation.ts) owns the state and the rules; this function
 * connects signals, updates and the query to it, runs the ordered sender and the main loop, and continues as new.
 * Every update and every loop turn runs under one lock, so transitions and their activities never interleave.
 */
export async function conversationWorkflow(input: ConversationInput): Promise<void> {
  const conv = new Conversation(input);
  // Versioned change: a first-come-first-served mutex. Older runs keep the condition-based lock on replay.
  const lock = patched('conversation-mutex') ? new FifoLock() : new Lock();

  /** An update: validated before it is accepted, validated again under the lock (the state may have moved). */
  const handle = <Args extends unknown[], R>(
    def: UpdateDefinition<R, Args>,
    validate: (...args: Args) => void,
    run: (...args: Args) => Promise<R>,
  ) => {
    setHandler(
      def,
      (...args: Args) =>
        lock.run(async () => {
          try {
            validate(...args);
            return await run(...args);
          } catch (err) {
            throw toFailure(err);
          }
        }),
      { validator: (...args: Args) => guard(() => validate(...args)) },
    );
  };

  const m = conv.machine;
  handle(
    acceptUpdate,
    (a: Actor) => m.checkAccept(a),
    (a) => conv.accept(a),
  );
  handle(
    rejectUpdate,
    (a: Actor) => m.checkReject(a),
    (a) => conv.reject(a),
  );
  handle(
    pickUpdate,
    (a: Actor) => m.checkPick(a, conv.distributionMode()),
    (a) => conv.pick(a),
  );
  handle(
    sendUpdate,
    (a: Actor, body: { text: string }) => conv.checkSend(a, body),
    (a, body) => conv.send(a, body),
  );
  handle(
    waitUpdate,
    (a: Actor) => m.checkWait(a),
    (a) => conv.wait(a),
  );
  handle(
    endUpdate,
    (a: Actor) => m.checkEnd(a),
    (a) => conv.end(a),
  );
  handle(
    closeUpdate,
    (a: Actor) => m.checkClose(a),
    (a) => conv.close(a),
  );
  handle(
    transferUpdate,
    (a: Actor, target: { queueId?: string; agentId?: string }) => m.checkTransfer(a, target),
    (a, target) => conv.transfer(a, target),
  );
  handle(
    assignUpdate,
    (a: Actor, _target: { agentId: string }) => m.checkAssign(a),
    (a, target) => conv.assign(a, target),
  );
  handle(
    forceCloseUpdate,
    (a: Actor) => m.checkForceClose(a),
    (a) => conv.forceClose(a),
  );
  handle(
    noteUpdate,
    (a: Actor, body: { text: string }) => m.checkNote(a, body.text),
    (a, body) => conv.note(a, body),
  );

  handle(
    startByAgentUpdate,
    (a: Actor, body: AgentStart) => conv.checkStartByAgent(a, body),
    (a, body) => conv.startByAgent(a, body),
  );

  setHandler(inboundSignal, (message) => conv.onInboundSignal(message));
  setHandler(agentsAvailableSignal, () => conv.onAgentsAvailable());
  setHandler(stateQuery, () => conv.view());

  // The ordered sender runs beside the main loop for the life of the run.
  void conv.outbox.run();

  conv.resumeTimers();
  for (;;) {
    await condition(() => conv.hasWork);
    await lock.run(() => conv.turn());
    if (conv.complete) {
      // Finish what was promised: queued messages go out, running updates answer.
      await condition(
        () =>
          (conv.outbox.length === 0 && !conv.outbox.isSending && allHandlersFinished()) ||
          conv.carried.inbound.length > 0,
      );
      if (conv.carried.inbound.length > 0) {
        conv.complete = false; // a text arrived while closing: it reopens (or is handled) instead of being dropped
        continue;
      }
      return;
    }
    if (conv.shouldContinueAsNew) {
      // Signals that arrive now are buffered into the carried inbound by their handler and carried over, never lost.
      await condition(() => allHandlersFinished() && !conv.outbox.isSending && !lock.busy);
      await continueAsNew<typeof conversationWorkflow>({ ...input, carried: conv.carry() });
    }
    if (conv.batched && conv.carried.inbound.length > 0) {
      // More inbound than one task takes on: end this task (a 1 ms timer) and go on in the next one, so no task
      // grows until the server refuses it, and queued messages never wait for an unrelated timer.
      await sleep(1);
    }
  }
}
