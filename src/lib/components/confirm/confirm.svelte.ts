// Irreversible steps are confirmed with what will happen, in words. One dialog for the whole tab
// (ConfirmDialog, mounted by the root layout); callers ask `confirmStep(...)` and get true only when
// the person chose to go ahead. A form can be guarded with `{@attach confirmSubmit(() => ({ … }))}`:
// its submit waits for the answer and goes ahead (through use:enhance as before) only on yes.

export interface ConfirmRequest {
  /** A question naming the step and its object: "Revoke the link for Lobby screen?" */
  title: string;
  /** What will happen, in plain words (one or more sentences). */
  consequence: string;
  /** The go-ahead button: the verb of the step ("Revoke link"); Cancel is always offered. */
  confirmLabel: string;
  /** Red go-ahead button (a destructive step); default true. */
  danger?: boolean;
}

interface Pending extends ConfirmRequest {
  resolve(ok: boolean): void;
}

class ConfirmState {
  pending = $state<Pending | null>(null);

  ask(request: ConfirmRequest): Promise<boolean> {
    // A second request while one is open: the first is answered "no" (nothing happens twice).
    this.pending?.resolve(false);
    return new Promise((resolve) => {
      this.pending = { danger: true, ...request, resolve };
    });
  }

  answer(ok: boolean): void {
    const p = this.pending;
    this.pending = null;
    p?.resolve(ok);
  }
}

export const confirmState = new ConfirmState();

/** Asks the person to confirm an irreversible step; true = go ahead. */
export function confirmStep(request: ConfirmRequest): Promise<boolean> {
  return confirmState.ask(request);
}

/**
 * A form attachment: the form's submit (button or Enter) first asks; "Cancel" or Escape leaves
 * everything as it was; the go-ahead submits the same form with the same button. Runs before
 * use:enhance's own listener (capture), so enhance sees only confirmed submits.
 */
export function confirmSubmit(request: () => ConfirmRequest) {
  return (form: HTMLFormElement) => {
    let confirmed = false;
    const onSubmit = (e: SubmitEvent) => {
      if (confirmed) {
        confirmed = false;
        return;
      }
      e.preventDefault();
      e.stopImmediatePropagation();
      const submitter = e.submitter instanceof HTMLElement ? e.submitter : null;
      void confirmStep(request()).then((ok) => {
        if (!ok || !form.isConnected) return;
        confirmed = true;
        form.requestSubmit(submitter instanceof HTMLButtonElement || submitter instanceof HTMLInputElement ? submitter : undefined);
      });
    };
    form.addEventListener('submit', onSubmit, { capture: true });
    return () => form.removeEventListener('submit', onSubmit, { capture: true });
  };
}
