/** The end of a settings form: the problem, if any, then Save and Cancel. */
export function FormFooter({ problem, saveLabel, saveTestId, onCancel }: { problem: string | null; saveLabel: string; saveTestId: string; onCancel: () => void }) {
  return (
    <>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <div className="provider-actions">
        <button type="submit" className="button primary" data-testid={saveTestId}>
          {saveLabel}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}
