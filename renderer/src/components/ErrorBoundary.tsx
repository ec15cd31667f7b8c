/**
 * Error boundaries: whatever throws while rendering one part of the window takes down only that
 * part (issue 14 item 3). React unmounts the whole tree on an uncaught render error, and since the
 * window reopens the last conversation, one bad message would blank every reload.
 */
import { Component, type ReactNode } from 'react';
import { describeError } from '../../../shared/errors.ts';

interface ErrorBoundaryProps {
  /** What to show instead; `retry` renders the children again. */
  fallback: (error: unknown, retry: () => void) => ReactNode;
  /** A new value clears a caught error (e.g. another conversation was opened). */
  resetKey?: unknown;
  children: ReactNode;
}

interface ErrorBoundaryState {
  failed: boolean;
  error: unknown;
  resetKey: unknown;
}

export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { failed: false, error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<ErrorBoundaryState> {
    return { failed: true, error };
  }

  static getDerivedStateFromProps(props: ErrorBoundaryProps, state: ErrorBoundaryState): Partial<ErrorBoundaryState> | null {
    if (Object.is(props.resetKey, state.resetKey)) return null;
    return { failed: false, error: null, resetKey: props.resetKey };
  }

  // React logs caught errors itself (createRoot's onCaughtError defaults to console.error).

  private readonly retry = (): void => {
    this.setState({ failed: false, error: null });
  };

  override render(): ReactNode {
    return this.state.failed ? this.props.fallback(this.state.error, this.retry) : this.props.children;
  }
}

/**
 * A part of the window's shell (the conversation list, the transcript, the composer, …) that
 * failed: a panel says so and offers to try again, and everything around it keeps working.
 */
export function RegionBoundary({ label, resetKey, children }: { label: string; resetKey?: unknown; children: ReactNode }) {
  return (
    <ErrorBoundary resetKey={resetKey} fallback={(error, retry) => <RegionError label={label} error={error} retry={retry} />}>
      {children}
    </ErrorBoundary>
  );
}

function RegionError({ label, error, retry }: { label: string; error: unknown; retry: () => void }) {
  return (
    <div className="region-error" role="alert" data-testid="region-error" data-region={label}>
      <p>
        <strong>{label} could not be shown.</strong> The rest of Baton still works.
      </p>
      <p className="region-error-detail">{describeError(error)}</p>
      <div className="region-error-actions">
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Reload window
        </button>
      </div>
    </div>
  );
}
