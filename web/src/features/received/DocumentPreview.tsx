import { ActionIcon, Button, Group, Image, Modal, Stack, Text, Tooltip } from '@mantine/core';
import { IconDownload, IconEye } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../ui/format';

/** A stored document as the API presents it (Document schema): `inlineUrl` only for PDFs and raster images. */
export interface PreviewableDocument {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  contentUrl: string;
  inlineUrl?: string | null;
}

/** The eye: opens the preview of a document the API will show inline; nothing for the others (download only). */
export function PreviewButton({ doc, onPreview, label }: { doc: PreviewableDocument; onPreview(doc: PreviewableDocument): void; label: string }) {
  if (!doc.inlineUrl) return null;
  return (
    <Tooltip label={label}>
      <ActionIcon variant="subtle" aria-label={label} onClick={() => onPreview(doc)}>
        <IconEye size={18} />
      </ActionIcon>
    </Tooltip>
  );
}

/**
 * The document shown in the page: an image as an image, a PDF in a frame the browser's PDF
 * viewer fills. The API answers `?disposition=inline` only for files whose bytes prove they are
 * a PDF or a raster image, with a Content-Security-Policy that lets no script run; the frame
 * has no `sandbox` attribute because Chromium's PDF viewer does not load in a sandboxed frame.
 */
export function DocumentPreview({ doc, onClose }: { doc: PreviewableDocument | null; onClose(): void }) {
  const { t } = useTranslation('received');
  const fmt = useFormat();
  const isPdf = doc?.contentType.split(';')[0]?.trim().toLowerCase().endsWith('pdf');
  return (
    <Modal opened={Boolean(doc?.inlineUrl)} onClose={onClose} size="xl" title={doc?.filename} closeButtonProps={{ 'aria-label': t('close', { ns: 'ui' }) }}>
      {doc?.inlineUrl && (
        <Stack>
          {isPdf ? (
            <iframe title={t('previewOf', { name: doc.filename })} src={doc.inlineUrl} data-testid="pdf-preview" style={{ width: '100%', height: '70vh', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }} />
          ) : (
            <Image src={doc.inlineUrl} alt={doc.filename} fit="contain" mah="70vh" />
          )}
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              {doc.contentType} · {fmt.bytes(doc.size)}
            </Text>
            <Button size="xs" variant="light" component="a" href={doc.contentUrl} download={doc.filename} leftSection={<IconDownload size={14} />}>
              {t('download')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
